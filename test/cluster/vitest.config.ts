// Vitest config for the cluster suite (`npm run test:cluster`): one real control plane per run
// from global-setup.ts (or KUBECONFIG_TEST), files run one after another with long timeouts.
// KINDLAB_CLUSTER_ISTIOD=1 also starts istiod and adds istiod.test.ts.
import { fileURLToPath } from 'node:url'
import { configDefaults, defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    name: 'cluster',
    root: fileURLToPath(new URL('../..', import.meta.url)),
    include: ['test/cluster/**/*.test.ts'],
    // The istiod suite needs istiod next to the control plane: opt in with KINDLAB_CLUSTER_ISTIOD=1.
    exclude: [
      ...configDefaults.exclude,
      ...(process.env['KINDLAB_CLUSTER_ISTIOD'] === '1' ? [] : ['test/cluster/istiod.test.ts']),
    ],
    globalSetup: ['test/cluster/global-setup.ts'],
    environment: 'node',
    pool: 'forks',
    fileParallelism: false,
    sequence: { concurrent: false },
    testTimeout: 120_000,
    hookTimeout: 120_000,
    teardownTimeout: 60_000,
  },
})
