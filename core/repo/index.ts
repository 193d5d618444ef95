export { listRepositoryFiles, loadRepository, loadTenant } from './load.js';
export { parseFlagsSource, parseRepositorySource, parseTenantSource, positionIssue } from './parse-source.js';
export type { ParsedSource, RepoFileKind } from './parse-source.js';
export type { LoadOptions, RepoLoadResult, TenantLoadResult } from './types.js';
export { displayPathFor } from './display-path.js';
