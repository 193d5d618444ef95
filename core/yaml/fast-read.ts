// The fast reader: plain data from a YAML source for the common case, a valid
// file, at about ten times the speed of parseYaml. parseYaml keeps every node's
// position so diagnostics can point at file:line:column, and pays for it; a
// valid file needs no position. js-yaml builds plain data directly, but knows
// nothing of the safety profile, so it runs here with
//   - a schema with only the core schema's implicit scalars, resolved by the
//     `yaml` package's own core resolvers (core-scalars.ts), and no explicit
//     tag at all: any tag makes js-yaml throw;
//   - a listener that counts what was composed and notes anything where the
//     two parsers could disagree or where the profile has something to say.
// The reader then *declines* (returns undefined) and the caller falls back to
// parseYaml for the exact answer and its diagnostics. It declines on: anchors
// and aliases, the non-specific tag `!`, directives, a key that is not a
// plain string (a collection, or a scalar resolving to null, a boolean or a
// number), merge keys, flow collections and flow scalars over several lines, nesting deeper
// than the limit, a root that is not a map, files over the size cap, text
// that is not well-formed UTF-16, empty nodes, `---` or `...` glued to
// text at the start of a line, a byte-order mark, a carriage return not followed by a line
// feed, long lines with a `:` far to the right
// (yaml's 1,024-character implicit-key bound), and whatever js-yaml itself refuses (syntax, duplicate keys, several
// documents). Declining is always safe; accepting promises exactly the value
// parseYaml would return, with no diagnostic at all — a property test holds
// the two readers to that.
import { load, Schema, Type } from 'js-yaml';
import type { State } from 'js-yaml';
import { resolveCorePlainScalar, STRING } from './core-scalars.js';
import { DEFAULT_MAX_DEPTH, DEFAULT_MAX_FILE_BYTES, NON_PRINTABLE } from './limits.js';
import type { YamlLimits } from './parse.js';

/** The tag js-yaml gives the scalars our resolver turned into null, booleans or numbers. */
const CORE_TAG = 'tag:ff/core-non-string';
/** yaml's bound on an implicit key: the `:` at most 1,024 characters after the key starts. */
const MAX_IMPLICIT_KEY_SPAN = 1024;

let lastResolved: unknown;
const coreScalar = new Type(CORE_TAG, {
  kind: 'scalar',
  // js-yaml calls resolve, then construct on the same text: keep the answer in between.
  resolve: (text: unknown) => typeof text === 'string' && (lastResolved = resolveCorePlainScalar(text)) !== STRING,
  construct: () => lastResolved,
});
const SCHEMA = new Schema({ implicit: [coreScalar], explicit: [] });

/** What the listener saw, to be compared with what the value holds. */
interface Census {
  source: string;
  /** Positions at which the open nodes started, innermost last. */
  starts: number[];
  collections: number;
  /** Scalars written as null (`~`, `null`, ...). */
  nullScalars: number;
  declined: boolean;
}

function isSpace(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d;
}

/** Where the node that starts at `start` has its first character: past white space and comments. */
function contentStart(source: string, start: number, end: number): number {
  let i = start;
  for (;;) {
    while (i < end && isSpace(source.charCodeAt(i))) i++;
    if (i >= end || source.charCodeAt(i) !== 0x23) return i;
    const eol = source.indexOf('\n', i);
    if (eol === -1 || eol >= end) return end;
    i = eol + 1;
  }
}

function spansLines(source: string, from: number, end: number): boolean {
  const newline = source.indexOf('\n', from);
  return newline !== -1 && newline < end;
}

/**
 * A node written over several lines where the two parsers' rules differ: a
 * flow collection (yaml warns when it closes at the parent's indentation), a
 * quoted or plain scalar (yaml is stricter about the indentation of its
 * continuation lines, and about document markers inside it). Block
 * collections and block scalars (`|`, `>`) span lines by nature.
 */
function riskyMultiLine(source: string, kind: string | null, at: number, end: number): boolean {
  const first = source.charCodeAt(at);
  if (kind === 'mapping' || kind === 'sequence') return (first === 0x5b || first === 0x7b) && spansLines(source, at, end);
  if (first === 0x7c || first === 0x3e) return false;
  return spansLines(source, at, end);
}

/** `"x"#`, `[x]#`: js-yaml reads a comment, yaml wants white space before it. */
function commentTouches(source: string, at: number, end: number): boolean {
  const first = source.charCodeAt(at);
  const closed = first === 0x22 || first === 0x27 || first === 0x5b || first === 0x7b;
  return closed && source.charCodeAt(end) === 0x23;
}

function listenerFor(census: Census): (event: 'open' | 'close', state: State) => void {
  const { source, starts } = census;
  return (event, state) => {
    if (event === 'open') {
      starts.push(state.position);
      return;
    }
    const start = starts.pop() ?? 0;
    const end = state.position;
    // Fields js-yaml documents on its listener state, beyond the typings.
    const node = state as State & { tag: string | null; anchor: string | null; kind: string | null };
    if (node.anchor !== null || node.tag === '!') census.declined = true;
    // An empty node (`key:`, `- `): js-yaml misreads some block sequences around
    // one (`- # note` then `- x`); valid flags files have none. js-yaml stores
    // some empty nodes without composing them, so the value walk also counts
    // nulls against the null scalars (`~`, `null`) seen here.
    const kind = node.kind;
    if (kind === null) {
      census.declined = true;
      return;
    }
    if (kind === 'mapping' || kind === 'sequence') census.collections++;
    else if (node.tag === CORE_TAG && node.result === null) census.nullScalars++;
    // Most nodes sit on one line with no comment glued to them: nothing to look at.
    if (!spansLines(source, start, end) && source.charCodeAt(end) !== 0x23) return;
    const at = contentStart(source, start, end);
    if (riskyMultiLine(source, kind, at, end) || commentTouches(source, at, end)) census.declined = true;
  };
}

/**
 * A key js-yaml made from something other than a string: it turns null, a
 * boolean or a number into a string (`~` → "null", `0x1F` → "31", `.inf` →
 * "Infinity"), and each such string reads as a non-string again, or is one
 * of the three spellings of non-finite numbers.
 */
function keyFromNonString(key: string): boolean {
  const first = key.charCodeAt(0);
  if (first === 0x49 || first === 0x4e || first === 0x2d) {
    if (key === 'Infinity' || key === 'NaN' || key === '-Infinity') return true;
  }
  return resolveCorePlainScalar(key) !== STRING;
}

/** Walks the value: checks keys and depth, counts collections and nulls. False to decline. */
function valueAgrees(root: Record<string, unknown>, census: Census, maxDepth: number): boolean {
  let collections = 0;
  let nulls = 0;
  // Recursion is bounded: js-yaml refused anything nested past maxDepth + 2.
  const visit = (value: object, depth: number): boolean => {
    if (depth > maxDepth) return false;
    collections++;
    if (Array.isArray(value)) {
      for (const item of value as unknown[]) {
        if (item === null) nulls++;
        else if (typeof item === 'object' && !visit(item, depth + 1)) return false;
      }
      return true;
    }
    const map = value as Record<string, unknown>;
    for (const key in map) {
      if (key === '<<' || keyFromNonString(key)) return false;
      const item = map[key];
      if (item === null) nulls++;
      else if (typeof item === 'object' && !visit(item, depth + 1)) return false;
    }
    return true;
  };
  // A collection used as a key became a string key: fewer collections in the
  // value. More nulls than null scalars: an empty node.
  return visit(root, 1) && collections === census.collections && nulls === census.nullScalars;
}

/** Lines long enough for an implicit key to break yaml's bound, with a `:` past it. */
function hasFarColon(source: string): boolean {
  let lineStart = 0;
  while (lineStart < source.length) {
    let lineEnd = source.indexOf('\n', lineStart);
    if (lineEnd === -1) lineEnd = source.length;
    if (lineEnd - lineStart > MAX_IMPLICIT_KEY_SPAN) {
      const colon = source.indexOf(':', lineStart + MAX_IMPLICIT_KEY_SPAN);
      if (colon !== -1 && colon < lineEnd) return true;
    }
    lineStart = lineEnd + 1;
  }
  return false;
}

/**
 * The plain data of `source` when the fast reader can vouch that parseYaml
 * would return exactly it with no diagnostic; undefined when it declines.
 */
export function fastReadYaml(source: string, limits: YamlLimits = {}): { value: Record<string, unknown> } | undefined {
  const maxDepth = limits.maxDepth ?? DEFAULT_MAX_DEPTH;
  if (Buffer.byteLength(source, 'utf8') > (limits.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES)) return undefined;
  // Text read from a file is well formed (UTF-8 decoding guarantees it); a lone
  // surrogate from elsewhere is read differently by the two parsers.
  if (!(source as string & { isWellFormed(): boolean }).isWellFormed()) return undefined;
  // Text the two parsers read differently (includes() first: much cheaper than
  // a regular expression): a byte-order mark is content to js-yaml past the
  // first character and skipped by yaml at the start of any line; a carriage
  // return alone is a line break to js-yaml, content to yaml; `---x` is a
  // plain scalar to yaml, a document marker and `x` to js-yaml. And any
  // directive (`%YAML`, `%TAG`), which the profile has something to say about.
  if (NON_PRINTABLE.test(source) || source.includes('__proto__')) return undefined;
  if (source.includes('\ufeff') || source.startsWith('%') || source.includes('\n%')) return undefined;
  if ((source.includes('\r') && /\r(?!\n)/.test(source)) || hasFarColon(source)) return undefined;
  if ((source.startsWith('---') || source.startsWith('...') || source.includes('\n---') || source.includes('\n...')) && /^(?:---|\.\.\.)[^ \t\r\n]/m.test(source)) {
    return undefined;
  }
  const census: Census = { source, starts: [], collections: 0, nullScalars: 0, declined: false };
  let value: unknown;
  try {
    // js-yaml's own depth bound (nodes, scalars included) stops the recursion early;
    // the exact collection depth is checked on the value.
    value = load(source, { schema: SCHEMA, listener: listenerFor(census), maxDepth: maxDepth + 2 } as Parameters<typeof load>[1]);
  } catch {
    return undefined;
  }
  if (census.declined || typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const root = value as Record<string, unknown>;
  return valueAgrees(root, census, maxDepth) ? { value: root } : undefined;
}
