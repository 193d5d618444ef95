// Bucketing algorithm "ff-bucket-v1" (docs/bucketing.md is its published form).
//
// This file is deliberately self-contained (no imports): it is the one piece of
// the engine other languages must reproduce bit for bit, and the test that runs it
// in a fresh child process transpiles this single file on its own.
//
//   bytes  = UTF-8( tenant + "\n" + flagKey + "\n" + (salt ?? "") + "\n" + value )
//   hash   = MurmurHash3_x86_32(bytes, seed 0), as an unsigned 32-bit integer
//   bucket = hash / 2^32                      (in [0, 1), exact in a double)
//
// The first three parts can never contain "\n" (schema patterns) and the free-form
// value comes last, so different inputs can never produce the same byte string.

/** The name of the algorithm. Changing anything observable here needs a new name. */
export const BUCKETING_ALGORITHM = 'ff-bucket-v1';

const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;
const TWO_POW_32 = 4294967296;

/**
 * MurmurHash3 state after hashing a fixed prefix, so the hot path only hashes
 * the value: h1 after every whole 4-byte block, the 0–3 pending bytes packed
 * little-endian into `tail`, and the total byte count so far.
 */
export interface HashPrefix {
  readonly h1: number;
  readonly tail: number;
  readonly tailLength: number;
  readonly length: number;
}

function mixBlock(h1: number, block: number): number {
  let k = Math.imul(block, C1);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, C2);
  h1 ^= k;
  h1 = (h1 << 13) | (h1 >>> 19);
  return (Math.imul(h1, 5) + 0xe6546b64) | 0;
}

function finish(h1: number, tail: number, tailLength: number, length: number): number {
  if (tailLength > 0) {
    let k = Math.imul(tail, C1);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, C2);
    h1 ^= k;
  }
  h1 ^= length;
  h1 ^= h1 >>> 16;
  h1 = Math.imul(h1, 0x85ebca6b);
  h1 ^= h1 >>> 13;
  h1 = Math.imul(h1, 0xc2b2ae35);
  h1 ^= h1 >>> 16;
  return h1 >>> 0;
}

/** Textbook MurmurHash3 x86 32-bit over bytes; the reference the streaming path must agree with. */
export function murmur3x86_32(bytes: Uint8Array, seed = 0): number {
  const blocks = bytes.length & ~3;
  let h1 = seed | 0;
  for (let i = 0; i < blocks; i += 4) {
    const block = bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24);
    h1 = mixBlock(h1, block);
  }
  let tail = 0;
  const tailLength = bytes.length & 3;
  for (let j = 0; j < tailLength; j++) tail |= bytes[blocks + j]! << (j * 8);
  return finish(h1, tail, tailLength, bytes.length);
}

const encoder = new TextEncoder();

/** Hash state after `tenant \n flagKey \n salt \n`; computed once per flag when a snapshot is built. */
export function bucketPrefix(tenant: string, flagKey: string, salt: string | undefined): HashPrefix {
  const bytes = encoder.encode(`${tenant}\n${flagKey}\n${salt ?? ''}\n`);
  const blocks = bytes.length & ~3;
  let h1 = 0;
  for (let i = 0; i < blocks; i += 4) {
    h1 = mixBlock(h1, bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24));
  }
  let tail = 0;
  const tailLength = bytes.length & 3;
  for (let j = 0; j < tailLength; j++) tail |= bytes[blocks + j]! << (j * 8);
  return { h1, tail, tailLength, length: bytes.length };
}

// Scratch space for the rare non-ASCII value; evaluation is synchronous, so one
// module-level buffer is never shared by two hashes at once.
let scratch = new Uint8Array(256);

/**
 * Continues the prefix's hash over the UTF-8 bytes of `value` and finalizes it.
 * ASCII characters are fed straight from their char codes; at the first
 * non-ASCII character the rest of the string is UTF-8 encoded (lone surrogates
 * become U+FFFD, as TextEncoder does) into a reused buffer.
 */
export function hashValue(prefix: HashPrefix, value: string): number {
  let h1 = prefix.h1;
  let tail = prefix.tail;
  let tailLength = prefix.tailLength;
  const n = value.length;
  let i = 0;
  // 1. Complete the prefix's pending block one character at a time.
  for (; tailLength !== 0 && i < n; i++) {
    const c = value.charCodeAt(i);
    if (c >= 0x80) break;
    tail |= c << (tailLength << 3);
    if (++tailLength === 4) {
      h1 = mixBlock(h1, tail);
      tail = 0;
      tailLength = 0;
    }
  }
  // 2. Whole blocks of four ASCII characters.
  if (tailLength === 0) {
    for (; i + 4 <= n; i += 4) {
      const c0 = value.charCodeAt(i);
      const c1 = value.charCodeAt(i + 1);
      const c2 = value.charCodeAt(i + 2);
      const c3 = value.charCodeAt(i + 3);
      if ((c0 | c1 | c2 | c3) >= 0x80) break;
      h1 = mixBlock(h1, c0 | (c1 << 8) | (c2 << 16) | (c3 << 24));
    }
  }
  // 3. The last ASCII characters, up to the end or the first non-ASCII one.
  for (; i < n; i++) {
    const c = value.charCodeAt(i);
    if (c >= 0x80) break;
    tail |= c << (tailLength << 3);
    if (++tailLength === 4) {
      h1 = mixBlock(h1, tail);
      tail = 0;
      tailLength = 0;
    }
  }
  let length = prefix.length + i;
  // 4. From the first non-ASCII character on: UTF-8 encode the rest, then feed its bytes.
  if (i < n) {
    const rest = value.substring(i);
    // UTF-8 needs at most 3 bytes per UTF-16 code unit.
    if (scratch.length < rest.length * 3) scratch = new Uint8Array(rest.length * 3);
    const written = encoder.encodeInto(rest, scratch).written;
    for (let j = 0; j < written; j++) {
      tail |= scratch[j]! << (tailLength << 3);
      if (++tailLength === 4) {
        h1 = mixBlock(h1, tail);
        tail = 0;
        tailLength = 0;
      }
    }
    length += written;
  }
  return finish(h1, tail, tailLength, length);
}

/** The bucket in [0, 1) of a value under a precomputed prefix. */
export function bucketOf(prefix: HashPrefix, value: string): number {
  return hashValue(prefix, value) / TWO_POW_32;
}

/** The unsigned 32-bit hash ff-bucket-v1 computes for these inputs. */
export function bucketHash(tenant: string, flagKey: string, salt: string | undefined, value: string): number {
  return hashValue(bucketPrefix(tenant, flagKey, salt), value);
}

/** The bucket in [0, 1) ff-bucket-v1 assigns to these inputs. */
export function bucket(tenant: string, flagKey: string, salt: string | undefined, value: string): number {
  return bucketHash(tenant, flagKey, salt, value) / TWO_POW_32;
}

/**
 * A rollout ready for picking: variant names in code-unit order (so the YAML's
 * key order never matters) and, per variant, the exclusive upper bound of its
 * range: cumulative weight / total weight, computed in IEEE-754 doubles in that
 * order. The last positive-weight variant's bound is exactly 1.
 */
export interface NormalizedRollout {
  readonly variants: readonly string[];
  readonly weights: readonly number[];
  readonly thresholds: readonly number[];
  /** Sum of the weights; 0 when no variant has a positive weight (nothing can be picked). */
  readonly total: number;
}

function codeUnitOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Sorts and normalizes rollout weights. A negative or non-finite weight counts as 0. */
export function normalizeRollout(weights: Readonly<Record<string, number | undefined>>): NormalizedRollout {
  const variants = Object.keys(weights).sort(codeUnitOrder);
  const clean = variants.map((name) => {
    const w = weights[name];
    return typeof w === 'number' && Number.isFinite(w) && w > 0 ? w : 0;
  });
  let total = 0;
  for (const w of clean) total += w;
  let cumulative = 0;
  const thresholds = clean.map((w) => {
    cumulative += w;
    return total > 0 ? cumulative / total : 0;
  });
  return { variants, weights: clean, thresholds, total };
}

/**
 * Index of the first range whose upper bound exceeds the bucket, or -1 when none
 * does (only possible for a rollout with no positive weight). Zero-weight
 * variants have an empty range and are never picked.
 */
export function pickRolloutIndex(thresholds: readonly number[], bucketValue: number): number {
  for (let i = 0; i < thresholds.length; i++) {
    if (bucketValue < thresholds[i]!) return i;
  }
  return -1;
}

/** The variant a bucket falls in, or undefined for a rollout with no positive weight. */
export function pickVariant(rollout: NormalizedRollout, bucketValue: number): string | undefined {
  const index = pickRolloutIndex(rollout.thresholds, bucketValue);
  return index < 0 ? undefined : rollout.variants[index];
}
