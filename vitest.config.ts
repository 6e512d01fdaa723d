import { defineConfig } from 'vitest/config';

// Integration tests start real servers (BIND, HAProxy) and bind loopback ports, so files run in
// separate forks with generous hook timeouts; no test relies on wall-clock precision.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    setupFiles: ['test/setup-fast-check.ts'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    fileParallelism: true,
    maxWorkers: 2,
  },
});
