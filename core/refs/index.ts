export { aliasOf, RefMatcher } from './matcher.js';
export type { AliasKind, RefMatch } from './matcher.js';
export { readRefsConfig, REFS_CONFIG_FILE } from './config.js';
