// Finding flag keys in source text, fast whatever the number of flags: the
// text is cut into tokens (runs of the characters a key may hold) and each
// token is looked up in a Map of every spelling, so a file costs one pass, not
// one pass per flag. A token matches whole: "new-checkout" is not found inside
// "new-checkout-v2" or "renew-checkout", but is inside "flags.new-checkout"
// (a dotted token is also tried piece by piece, because keys may hold dots).
import type { RefsConfig } from '../model/index.js';

export type AliasKind = NonNullable<RefsConfig['aliases']>[number];

export interface RefMatch {
  flag: string;
  /** The spelling found (the key itself, or an alias). */
  alias: string;
  /** 1-based. */
  line: number;
  column: number;
  /** The line, trimmed, at most 200 characters. */
  text: string;
}

function words(key: string): string[] {
  return key.split(/[-_.]+|(?<=[a-z0-9])(?=[A-Z])/).filter((w) => w !== '');
}

/** One spelling of a key (new-checkout → newCheckout, NewCheckout, new_checkout, NEW_CHECKOUT, new.checkout). */
export function aliasOf(key: string, kind: AliasKind): string {
  const parts = words(key).map((w) => w.toLowerCase());
  const cap = (w: string): string => w.charAt(0).toUpperCase() + w.slice(1);
  switch (kind) {
    case 'camelCase':
      return parts.map((w, i) => (i === 0 ? w : cap(w))).join('');
    case 'pascalCase':
      return parts.map(cap).join('');
    case 'snakeCase':
      return parts.join('_');
    case 'upperSnakeCase':
      return parts.join('_').toUpperCase();
    case 'dotCase':
      return parts.join('.');
  }
}

const TOKEN = /[A-Za-z0-9_.-]+/g;
const MAX_LINE_TEXT = 200;
const FNV_PRIME = 16777619;
const FNV_OFFSET = 2166136261;

/** FNV-1a over UTF-16 code units: what the scanner computes while it reads a token, allocation-free. */
function hashOf(text: string): number {
  let h = FNV_OFFSET;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), FNV_PRIME);
  return h;
}

const DECODER = new TextDecoder('utf-8');
/** Token bytes are ASCII: decoding them as Latin-1 is exact and cheap. */
const LATIN1 = new TextDecoder('latin1');

/** 1 for the characters a key may hold except the dot ([A-Za-z0-9_-]), 0 otherwise. */
const WORD = new Uint8Array(256);
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  WORD[c] = /[A-Za-z0-9_-]/.test(ch) ? 1 : 0;
}

export class RefMatcher {
  /** Spelling → flag key. The key itself wins over another flag's alias of the same spelling. */
  readonly #spellings = new Map<string, string>();
  /** Hash of each spelling → the spellings with that hash (collisions are checked by comparing text). */
  readonly #byHash = new Map<number, string[]>();
  /** A bit per low 16 bits of every spelling's hash: most tokens are ruled out here, before the Map. */
  readonly #bloom = new Uint8Array(65536);
  /** The token lengths a spelling has (longer ones count as the last slot). */
  readonly #lengths = new Uint8Array(257);
  /** Whether some spelling holds a dot: then dotted tokens need the slower whole-token path. */
  readonly #hasDots: boolean;
  /** `patterns` of the config, compiled (validated when the config was read: one capture group each). */
  readonly #patterns: RegExp[];

  constructor(keys: readonly string[], config: RefsConfig | undefined) {
    for (const key of keys) {
      for (const kind of config?.aliases ?? []) {
        const alias = aliasOf(key, kind);
        if (alias !== '' && !this.#spellings.has(alias)) this.#spellings.set(alias, key);
      }
    }
    for (const [key, literals] of Object.entries(config?.literals ?? {})) {
      for (const literal of literals ?? []) if (!this.#spellings.has(literal)) this.#spellings.set(literal, key);
    }
    for (const key of keys) this.#spellings.set(key, key);
    for (const spelling of this.#spellings.keys()) {
      const h = hashOf(spelling);
      this.#bloom[h & 0xffff] = 1;
      this.#lengths[Math.min(spelling.length, 256)] = 1;
      const list = this.#byHash.get(h);
      if (list === undefined) this.#byHash.set(h, [spelling]);
      else list.push(spelling);
    }
    this.#hasDots = [...this.#spellings.keys()].some((k) => k.includes('.'));
    // `d`: the capture's own offset, so a reference points at the key, not at the start of the match.
    this.#patterns = (config?.patterns ?? []).map((p) => new RegExp(p, 'dg'));
  }

  get spellings(): number {
    return this.#spellings.size;
  }

  /** Every reference in `text`, in order. */
  scan(text: string): RefMatch[] {
    if (this.#patterns.length > 0) return this.#withPatterns(this.#hasDots ? this.#scanDotted(text) : this.#scanTokens(new TextEncoder().encode(text)), text);
    return this.#hasDots ? this.#scanDotted(text) : this.#scanTokens(new TextEncoder().encode(text));
  }

  /**
   * Every reference in a file's UTF-8 bytes. When no spelling holds a dot (the
   * usual case) a dot ends a token like any other separator, and the bytes are
   * scanned without decoding them: one pass, hashing each token as it goes
   * (spellings are ASCII, so a byte ≥ 128 is a separator too); text is made
   * only for a line with a match.
   */
  scanBytes(bytes: Uint8Array): RefMatch[] {
    // Patterns need the text; only a config that has some pays for decoding every file.
    if (this.#patterns.length > 0) return this.scan(DECODER.decode(bytes));
    if (this.#hasDots) return this.#scanDotted(DECODER.decode(bytes));
    return this.#scanTokens(bytes);
  }

  #scanTokens(bytes: Uint8Array): RefMatch[] {
    const found: RefMatch[] = [];
    const byHash = this.#byHash;
    const bloom = this.#bloom;
    const lengths = this.#lengths;
    const n = bytes.length;
    let line = 1;
    let lineStart = 0;
    let counted = 0;
    let start = -1;
    let h = FNV_OFFSET;
    for (let i = 0; i <= n; i++) {
      const c = i < n ? bytes[i]! : 32;
      if (WORD[c] === 1) {
        if (start === -1) {
          start = i;
          h = FNV_OFFSET;
        }
        h = Math.imul(h ^ c, FNV_PRIME);
        continue;
      }
      if (start === -1) continue;
      const length = i - start;
      if (lengths[length > 256 ? 256 : length] === 0 || bloom[h & 0xffff] === 0) {
        start = -1;
        continue;
      }
      const candidates = byHash.get(h);
      if (candidates !== undefined) {
        const token = LATIN1.decode(bytes.subarray(start, i));
        if (candidates.includes(token)) {
          for (let nl = bytes.indexOf(10, counted); nl !== -1 && nl < start; nl = bytes.indexOf(10, nl + 1)) {
            line++;
            lineStart = nl + 1;
          }
          counted = start;
          let end = bytes.indexOf(10, start);
          if (end === -1) end = n;
          const before = DECODER.decode(bytes.subarray(lineStart, start));
          const lineText = (before + DECODER.decode(bytes.subarray(start, end))).trim();
          found.push({
            flag: this.#spellings.get(token)!,
            alias: token,
            line,
            column: before.length + 1,
            text: lineText.length > MAX_LINE_TEXT ? `${lineText.slice(0, MAX_LINE_TEXT - 1)}…` : lineText,
          });
        }
      }
      start = -1;
    }
    return found;
  }

  /**
   * The token matches plus every pattern match whose capture is a known
   * spelling and is not already a token match at the same place, in order.
   */
  #withPatterns(tokens: RefMatch[], text: string): RefMatch[] {
    const seen = new Set(tokens.map((m) => `${m.line}:${m.column}:${m.flag}`));
    const extra: RefMatch[] = [];
    let lineStarts: number[] | undefined;
    for (const pattern of this.#patterns) {
      pattern.lastIndex = 0;
      for (const m of text.matchAll(pattern)) {
        const captured = m[1];
        const at = m.indices?.[1];
        if (captured === undefined || at === undefined) continue;
        const flag = this.#spellings.get(captured);
        if (flag === undefined) continue;
        lineStarts ??= lineStartsOf(text);
        const index = lastAtMost(lineStarts, at[0]);
        const lineStart = lineStarts[index]!;
        const line = index + 1;
        const column = at[0] - lineStart + 1;
        const id = `${line}:${column}:${flag}`;
        if (seen.has(id)) continue;
        seen.add(id);
        const end = text.indexOf('\n', lineStart);
        const lineText = text.slice(lineStart, end === -1 ? text.length : end).trim();
        extra.push({ flag, alias: captured, line, column, text: lineText.length > MAX_LINE_TEXT ? `${lineText.slice(0, MAX_LINE_TEXT - 1)}…` : lineText });
      }
    }
    if (extra.length === 0) return tokens;
    return [...tokens, ...extra].sort((a, b) => a.line - b.line || a.column - b.column);
  }

  /** Some spelling holds a dot: tokens include dots, and a dotted token is also tried piece by piece. */
  #scanDotted(text: string): RefMatch[] {
    const found: RefMatch[] = [];
    const spellings = this.#spellings;
    let line = 1;
    let lineStart = 0;
    let scanned = 0;
    TOKEN.lastIndex = 0;
    for (let m = TOKEN.exec(text); m !== null; m = TOKEN.exec(text)) {
      const token = m[0];
      let hits: Array<[number, string]> | undefined;
      const whole = spellings.get(token);
      if (whole !== undefined) hits = [[0, token]];
      else if (token.includes('.')) hits = this.#dotted(token);
      if (hits === undefined || hits.length === 0) continue;
      // Line numbers are counted only up to a match, so files without one cost nothing more.
      for (let i = text.indexOf('\n', scanned); i !== -1 && i < m.index; i = text.indexOf('\n', i + 1)) {
        line++;
        lineStart = i + 1;
      }
      scanned = m.index;
      const end = text.indexOf('\n', m.index);
      const lineText = text.slice(lineStart, end === -1 ? text.length : end).trim();
      for (const [offset, alias] of hits) {
        found.push({
          flag: spellings.get(alias)!,
          alias,
          line,
          column: m.index + offset - lineStart + 1,
          text: lineText.length > MAX_LINE_TEXT ? `${lineText.slice(0, MAX_LINE_TEXT - 1)}…` : lineText,
        });
      }
    }
    return found;
  }

  /** The longest known spellings made of whole dot-separated pieces of `token`, left to right. */
  #dotted(token: string): Array<[number, string]> {
    const parts = token.split('.');
    const starts: number[] = [];
    let at = 0;
    for (const part of parts) {
      starts.push(at);
      at += part.length + 1;
    }
    const hits: Array<[number, string]> = [];
    for (let i = 0; i < parts.length; i++) {
      for (let j = parts.length; j > i; j--) {
        const candidate = parts.slice(i, j).join('.');
        if (candidate !== '' && this.#spellings.has(candidate)) {
          hits.push([starts[i]!, candidate]);
          i = j - 1;
          break;
        }
      }
    }
    return hits;
  }
}

function lineStartsOf(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

/** Index of the last of the sorted `values` that is ≤ `x` (values[0] is 0 ≤ x). */
function lastAtMost(values: readonly number[], x: number): number {
  let lo = 0;
  let hi = values.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (values[mid]! <= x) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
