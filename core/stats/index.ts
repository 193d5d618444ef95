export * from './distributions.js';
export * from './tests.js';
