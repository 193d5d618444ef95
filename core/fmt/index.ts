export { formatSource } from './format.js';
export type { FormatResult } from './format.js';
