// The part of GitHub Actions' expression language the composite action uses
// (`${{ … }}`): context references, string literals, ==, !=, &&, ||, !,
// parentheses and the status functions. Anything else throws, so the action
// cannot quietly grow an expression this runner does not understand.

export type Contexts = Record<string, Record<string, unknown>>;

export interface Status {
  failed: boolean;
  cancelled: boolean;
}

type Token = { kind: 'ident' | 'string' | 'op' | 'paren'; text: string };

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  const re = /\s*(?:(\(|\))|('(?:[^']|'')*')|(==|!=|&&|\|\||!)|([A-Za-z_][\w.-]*))/y;
  let index = 0;
  while (index < source.length) {
    if (/^\s*$/.test(source.slice(index))) break;
    re.lastIndex = index;
    const m = re.exec(source);
    if (!m) throw new Error(`unsupported expression syntax at "${source.slice(index)}"`);
    index = re.lastIndex;
    if (m[1]) tokens.push({ kind: 'paren', text: m[1] });
    else if (m[2]) tokens.push({ kind: 'string', text: m[2].slice(1, -1).replace(/''/g, "'") });
    else if (m[3]) tokens.push({ kind: 'op', text: m[3] });
    else tokens.push({ kind: 'ident', text: m[4] as string });
  }
  return tokens;
}

const truthy = (v: unknown) => v !== '' && v !== undefined && v !== null && v !== false && v !== 0;

export function evaluate(source: string, contexts: Contexts, status: Status): unknown {
  const tokens = tokenize(source);
  let pos = 0;
  const peek = () => tokens[pos];
  const next = () => tokens[pos++];
  const reference = (path: string): unknown => {
    const [root, ...rest] = path.split('.');
    if (!root || !(root in contexts)) throw new Error(`unknown context "${root}" in ${source}`);
    let value: unknown = contexts[root];
    for (const part of rest) value = (value as Record<string, unknown> | undefined)?.[part];
    return value ?? '';
  };
  const primary = (): unknown => {
    const t = next();
    if (!t) throw new Error(`unexpected end of ${source}`);
    if (t.kind === 'string') return t.text;
    if (t.kind === 'paren' && t.text === '(') {
      const value = or();
      if (next()?.text !== ')') throw new Error(`missing ) in ${source}`);
      return value;
    }
    if (t.kind === 'op' && t.text === '!') return !truthy(primary());
    if (t.kind === 'ident') {
      if (peek()?.text === '(') {
        next();
        if (next()?.text !== ')') throw new Error(`functions take no arguments here: ${source}`);
        if (t.text === 'always') return true;
        if (t.text === 'cancelled') return status.cancelled;
        if (t.text === 'success') return !status.failed && !status.cancelled;
        if (t.text === 'failure') return status.failed;
        throw new Error(`unsupported function ${t.text}() in ${source}`);
      }
      if (t.text === 'true' || t.text === 'false') return t.text === 'true';
      return reference(t.text);
    }
    throw new Error(`unexpected "${t.text}" in ${source}`);
  };
  const equality = (): unknown => {
    let left = primary();
    while (peek()?.text === '==' || peek()?.text === '!=') {
      const op = next()?.text;
      const right = primary();
      left = op === '==' ? String(left) === String(right) : String(left) !== String(right);
    }
    return left;
  };
  const and = (): unknown => {
    let left = equality();
    while (peek()?.text === '&&') {
      next();
      const right = equality();
      left = truthy(left) ? right : left;
    }
    return left;
  };
  const or = (): unknown => {
    let left = and();
    while (peek()?.text === '||') {
      next();
      const right = and();
      left = truthy(left) ? left : right;
    }
    return left;
  };
  const value = or();
  if (pos !== tokens.length) throw new Error(`trailing tokens in ${source}`);
  return value;
}

/** Replaces every `${{ … }}` in a string. */
export function interpolate(text: string, contexts: Contexts, status: Status): string {
  return text.replace(/\$\{\{(.*?)\}\}/g, (_, expr: string) => String(evaluate(expr, contexts, status) ?? ''));
}

/** A step's `if:` (with or without `${{ }}`), true when absent; a status function must be explicit to run after a failure. */
export function condition(source: string | undefined, contexts: Contexts, status: Status): boolean {
  if (source === undefined) return !status.failed && !status.cancelled;
  const expr = source.trim().replace(/^\$\{\{(.*)\}\}$/s, '$1');
  const usesStatus = /\b(always|cancelled|success|failure)\(\)/.test(expr);
  if (!usesStatus && status.failed) return false;
  return truthy(evaluate(expr, contexts, status));
}

export { truthy };
