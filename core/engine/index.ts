// The evaluation engine: compile a tenant's environment once, evaluate fast.
export { buildSnapshot, updateSnapshot, TARGETING_KEY } from './compile.js';
export type { BuildOptions, SnapshotChange } from './compile.js';
export { Snapshot } from './snapshot.js';
export type { SnapshotTiming } from './snapshot.js';
export { evaluate, evaluateAll } from './evaluate.js';
export { explain } from './explain.js';
export { toWire } from './wire.js';
export { compileRegex, MAX_REGEX_LENGTH } from './regex.js';
export type { RegexCompilation } from './regex.js';
export { MAX_REGEX_INPUT, parseVersion } from './operators.js';
export { parseIsoDate } from './iso-date.js';
export {
  BUCKETING_ALGORITHM,
  bucket,
  bucketHash,
  bucketPrefix,
  bucketOf,
  hashValue,
  murmur3x86_32,
  normalizeRollout,
  pickRolloutIndex,
  pickVariant,
} from './bucketing.js';
export type { HashPrefix, NormalizedRollout } from './bucketing.js';
export type * from './types.js';
