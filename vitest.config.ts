import { defineConfig, type TestProjectInlineConfiguration } from 'vitest/config';

// Two projects, told apart by file name (docs/testing.md):
//   unit         test/**/*.test.ts      no servers, no root: runs anywhere (`npm run test:unit`)
//   integration  test/**/*.int.test.ts  real BIND 9, Knot, HAProxy, nftables, the official client
// A few unit files also hold one block that needs a tool; `describeIfTool` tags such a block `integration`,
// so `--tags-filter='!integration'` leaves it out of test:unit and `--tags-filter=integration` picks it up.
// Files run in separate forks with generous hook timeouts: integration files start real servers.
const INTEGRATION = 'test/**/*.int.test.ts';

const shared = {
  setupFiles: ['test/setup-fast-check.ts'],
  pool: 'forks' as const,
  testTimeout: 30_000,
  hookTimeout: 60_000,
};

const projects: TestProjectInlineConfiguration[] = [
  { extends: true, test: { ...shared, name: 'unit', include: ['test/**/*.test.ts'], exclude: [INTEGRATION] } },
  { extends: true, test: { ...shared, name: 'integration', include: [INTEGRATION] } },
];

export default defineConfig({
  test: {
    // Rebuilds the native UDP engine when its sources changed (test/global-setup.ts).
    globalSetup: ['test/global-setup.ts'],
    projects,
    tags: [
      { name: 'integration', description: 'needs a real server or tool (BIND 9, Knot, HAProxy, nftables, dig, root)' },
    ],
    fileParallelism: true,
    // Transformed modules are cached on disk, keyed by content: a re-run transforms only what changed.
    experimental: { fsModuleCache: true },
    maxWorkers: 2,
  },
});
