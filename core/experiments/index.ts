export * from './allocation.js';
export * from './exposure-matcher.js';
export * from './results.js';
