export { patchNode, writeBackInSource } from './write-back.js';
export type { Section, WriteBackEdit, WriteBackResult } from './write-back.js';
