// Vitest config for the cluster suite (`npm run test:cluster`). Two projects, each with its own
// global setup, which vitest runs only when a file of that project is selected:
// - `cluster`: one real control plane per run from global-setup.ts (or KUBECONFIG_TEST); istiod
//   starts with it and its suites run unless KINDLAB_CLUSTER_ISTIOD=0 (or the cluster is external).
// - `dataplane`: one `cluster:sim --dataplane --lab istio-ingress` per run from
//   dataplane/global-setup.ts (its own control plane, istiod, pilot-agent + Envoy), shared by every
//   file under dataplane/. It needs istiod and root (network namespaces; CI runs as root).
// Files run one after another with long timeouts.
import { fileURLToPath } from 'node:url'
import { configDefaults, defineConfig } from 'vitest/config'

/** Same rule as global-setup.ts: istiod unless opted out or the cluster is external. */
const withIstiod = process.env['KINDLAB_CLUSTER_ISTIOD'] !== '0' && !process.env['KUBECONFIG_TEST']
const istiodSuites = [
  'test/cluster/istiod.test.ts',
  'test/cluster/istiod-conformance.test.ts',
  'test/cluster/gateway-api-conformance.test.ts',
  'test/cluster/gateway-api-status-live.test.ts',
  // Its own istiod with the Gateway API deployment controller, next to the suite's control plane.
  'test/cluster/cohort/gateway-proxy-class.test.ts',
]
const withDataplane = withIstiod && process.getuid?.() === 0
const dataplaneFiles = 'test/cluster/dataplane/**/*.test.ts'

export default defineConfig({
  test: {
    root: fileURLToPath(new URL('../..', import.meta.url)),
    environment: 'node',
    pool: 'forks',
    fileParallelism: false,
    maxWorkers: 1,
    sequence: { concurrent: false },
    testTimeout: 120_000,
    hookTimeout: 120_000,
    teardownTimeout: 60_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'cluster',
          include: ['test/cluster/**/*.test.ts'],
          // The istiod suites need istiod next to the control plane: opt out with KINDLAB_CLUSTER_ISTIOD=0.
          exclude: [...configDefaults.exclude, dataplaneFiles, ...(withIstiod ? [] : istiodSuites)],
          globalSetup: ['test/cluster/global-setup.ts'],
        },
      },
      ...(withDataplane
        ? [
            {
              extends: true as const,
              test: {
                name: 'dataplane',
                include: [dataplaneFiles],
                globalSetup: ['test/cluster/dataplane/global-setup.ts'],
                // The shared sim is started once in the global setup; files run in the order below.
                sequence: { concurrent: false },
              },
            },
          ]
        : []),
    ],
  },
})
