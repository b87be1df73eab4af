// Vitest config for the cluster suite (`npm run test:cluster`): one real control plane per run
// from global-setup.ts (or KUBECONFIG_TEST), files run one after another with long timeouts.
// istiod starts with the control plane and its suites run unless KINDLAB_CLUSTER_ISTIOD=0 (or the
// suite runs against KUBECONFIG_TEST, where no istiod is started).
import { fileURLToPath } from 'node:url'
import { configDefaults, defineConfig } from 'vitest/config'

/** Same rule as global-setup.ts: istiod unless opted out or the cluster is external. */
const withIstiod = process.env['KINDLAB_CLUSTER_ISTIOD'] !== '0' && !process.env['KUBECONFIG_TEST']
const istiodSuites = ['test/cluster/istiod.test.ts', 'test/cluster/istiod-conformance.test.ts']
// The data-plane suites each run their own `cluster:sim --dataplane` (istiod + pilot-agent + Envoy) and
// creates network namespaces, so it needs istiod and root (CI runs as root).
const dataplaneSuites = ['test/cluster/dataplane/**/*.test.ts']
const withDataplane = withIstiod && process.getuid?.() === 0

export default defineConfig({
  test: {
    name: 'cluster',
    root: fileURLToPath(new URL('../..', import.meta.url)),
    include: ['test/cluster/**/*.test.ts'],
    // The istiod suites need istiod next to the control plane: opt out with KINDLAB_CLUSTER_ISTIOD=0.
    exclude: [
      ...configDefaults.exclude,
      ...(withIstiod ? [] : istiodSuites),
      ...(withDataplane ? [] : dataplaneSuites),
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
