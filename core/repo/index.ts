export { listRepositoryFiles, loadRepository, loadTenant } from './load.js';
export { locateInSource, parseFlagsSource, parseRepositorySource, parseTenantSource, positionIssue } from './parse-source.js';
export type { ParsedSource, RepoFileKind } from './parse-source.js';
export type { LoadOptions, RepoLoadResult, TenantLoadResult, TenantModel } from './types.js';
export { displayPathFor } from './display-path.js';
