import { defineConfig } from 'vitest/config';

// Two cores on CI machines: keep parallelism modest so integration tests that
// start real servers and child processes do not starve each other. End-to-end
// tests run the built `ff` binary, so only their project builds first.
export default defineConfig({
  test: {
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 120_000,
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/**/*.test.ts'], exclude: ['test/**/*.e2e.test.ts'] } },
      { extends: true, test: { name: 'e2e', include: ['test/**/*.e2e.test.ts'], globalSetup: ['test/e2e/global-setup.ts'] } },
    ],
  },
});
