import { defineConfig } from 'vitest/config';

// Two cores on CI machines: keep parallelism modest so integration tests that
// start real servers and child processes do not starve each other. End-to-end
// tests run the built `ff` binary, so only their project builds first. The
// unit project starts one throwaway PostgreSQL for the run (or uses
// FF_TEST_DATABASE_URL) for the tests that run against both stores.
export default defineConfig({
  test: {
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 120_000,
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/**/*.test.ts', 'console/test/**/*.test.ts'], exclude: ['test/**/*.e2e.test.ts'], globalSetup: ['test/support/postgres-global-setup.ts'] } },
      { extends: true, test: { name: 'e2e', include: ['test/**/*.e2e.test.ts'], globalSetup: ['test/e2e/global-setup.ts', 'test/support/postgres-global-setup.ts'] } },
    ],
  },
});
