export { promoteInSource } from './promote.js';
export type { PromoteResult } from './promote.js';
