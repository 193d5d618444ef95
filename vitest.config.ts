import { defineConfig } from 'vitest/config';

// Two cores on CI machines: keep parallelism modest so integration tests that
// start real servers and child processes do not starve each other.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ['default'],
  },
});
