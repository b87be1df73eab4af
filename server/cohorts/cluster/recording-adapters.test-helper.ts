// Test helper: cluster mode's backend with kind, istioctl and Kubernetes adapters that record
// their calls (kind and istioctl need Docker), real files in a temporary data dir. Test code only.
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { IstioctlCli } from '../../adapters/istioctl/istioctl-cli.ts'
import type { KindCli } from '../../adapters/kind/kind-cli.ts'
import type { KubeOps } from '../../adapters/kube/kube-ops.ts'
import type { AppError } from '../../errors.ts'
import { loadBlueprint } from '../../provision/blueprint.ts'
import { writeDataFile } from '../../adapters/kind/cluster-adapters.ts'
import { createKindEnvironments } from './kind-environments.ts'

// Without the Gateway API CRD step, which downloads: its verification is tested in
// server/provision/gateway-api-crds.test.ts, its apply against a real API server in the cluster suite.
const { gatewayApi: _crds, ...bp } = await loadBlueprint()

export interface Calls {
  kind: string[][]
  istioctl: Array<{ overlay: string; kubeconfig?: string; context: string }>
  applied: Array<{ context: string; count: number }>
}

/** The backend and what its adapters were asked; `dataDir` is a fresh temporary folder (remove it). */
export function recordingKindEnvironments(
  options: {
    istioFails?: AppError
    dataDir?: string
    /** The final wait (the `ready` step) lasts until this settles. */
    hold?: Promise<void>
  } = {},
) {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'kindlab-kind-envs-'))
  const clusters = new Set<string>()
  const calls: Calls = { kind: [], istioctl: [], applied: [] }
  const kind: KindCli = {
    clusters: () => Promise.resolve([...clusters]),
    create: async (name, configPath, kubeconfigPath) => {
      calls.kind.push(['create', name, configPath, kubeconfigPath])
      clusters.add(name)
      // kind writes the cluster's kubeconfig where it is told (its own mode; the backend makes it 0600).
      await writeDataFile(kubeconfigPath, `current-context: kind-${name}\n`, 0o644)
    },
    kubeconfig: (name) => Promise.resolve(`current-context: kind-${name}\n`),
    delete: (name, kubeconfigPath) => {
      calls.kind.push(['delete', name, kubeconfigPath ?? ''])
      clusters.delete(name)
      return Promise.resolve()
    },
    loadImageArchive: () => Promise.reject(new Error('not used')),
  }
  const istioctl: IstioctlCli = {
    install: (overlay, target) => {
      calls.istioctl.push({ overlay, ...target })
      return options.istioFails ? Promise.reject(options.istioFails) : Promise.resolve()
    },
    version: () => Promise.resolve('1.31.1'),
  }
  const kube = (target: { context?: string }): KubeOps => {
    const context = target.context ?? ''
    return {
      where: context,
      ping: () => Promise.resolve('v1.36.4'),
      apply: (objects) => {
        calls.applied.push({ context, count: objects.length })
        return Promise.resolve()
      },
      namespaceAnnotation: () => Promise.resolve(undefined),
      annotateNamespace: () => Promise.resolve(),
      istioState: () => Promise.resolve({ nodePorts: [] }),
      delete: () => Promise.resolve(0),
      deployments: () => Promise.resolve([]),
      waitForDeployments: (_refs, wait) => {
        wait.onProgress?.('waiting for deployment istio-system/istiod: not created yet (0 of 18 ready)')
        return options.hold ?? Promise.resolve()
      },
    }
  }
  const envs = createKindEnvironments({
    dataDir,
    adapters: {
      kind,
      istioctl,
      kube,
      writeText: writeDataFile,
      downloadText: (url) => Promise.reject(new Error(`no downloads in unit tests (${url})`)),
    },
    blueprint: () => Promise.resolve(bp),
  })
  return { envs, calls, clusters, dataDir }
}
