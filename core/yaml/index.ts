export { parseYaml } from './parse.js';
export type { ParsedYaml, YamlLimits } from './parse.js';
export { locatePointer } from './locate.js';
export type { PointerTarget } from './locate.js';
export { diagnosticAt, diagnosticAtFileStart, rangeFields } from './positions.js';
export type { SourceRange } from './positions.js';
export { escapeSegment, parsePointer, pointer } from './pointer.js';
export { COMPOSE_OPTIONS } from './profile.js';
export {
  DEFAULT_MAX_ALIAS_EXPANSION,
  DEFAULT_MAX_ALIASES,
  DEFAULT_MAX_DEPTH,
  DEFAULT_MAX_FILE_BYTES,
  DEFAULT_MAX_REPO_BYTES,
} from './limits.js';
