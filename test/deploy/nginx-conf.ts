// Reads an nginx configuration into directives and blocks, enough to ask what a
// location sets: nginx itself (`nginx -t`, and a real run in front of two
// replicas) checks the syntax in load-balancer.test.ts.
export interface Directive {
  name: string;
  args: string[];
  block?: Directive[];
}

function tokens(text: string): string[] {
  const out: string[] = [];
  const re = /#[^\n]*|"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'|([{};])|([^\s{};"'#]+)/g;
  for (const m of text.matchAll(re)) {
    if (m[0].startsWith('#')) continue;
    out.push(m[1] ?? m[2] ?? m[3] ?? m[4]!);
  }
  return out;
}

export function parseNginx(text: string): Directive[] {
  const list = tokens(text);
  let i = 0;
  const block = (): Directive[] => {
    const directives: Directive[] = [];
    while (i < list.length && list[i] !== '}') {
      const name = list[i++]!;
      const args: string[] = [];
      while (i < list.length && list[i] !== ';' && list[i] !== '{') args.push(list[i++]!);
      if (list[i] === '{') {
        i++;
        directives.push({ name, args, block: block() });
        if (list[i++] !== '}') throw new Error(`unclosed block ${name}`);
      } else {
        if (list[i++] !== ';') throw new Error(`directive ${name} lacks ;`);
        directives.push({ name, args });
      }
    }
    return directives;
  };
  const top = block();
  if (i < list.length) throw new Error('unbalanced }');
  return top;
}

/** The directives named `name` directly in `directives`. */
export const all = (directives: Directive[], name: string, ...args: string[]): Directive[] =>
  directives.filter((d) => d.name === name && args.every((a, n) => d.args[n] === a));

export const one = (directives: Directive[], name: string, ...args: string[]): Directive => {
  const found = all(directives, name, ...args);
  if (found.length !== 1) throw new Error(`expected one ${[name, ...args].join(' ')}, found ${found.length}`);
  return found[0]!;
};
