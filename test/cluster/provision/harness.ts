// Test code only. The provisioning adapters for the cluster suite: the REAL Kubernetes adapter
// against the cluster under test, real files in a temporary folder, and kind/istioctl adapters
// that record their calls (kind and istioctl need Docker and a network, which this suite has not).
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { KubeConfig } from '@kubernetes/client-node'
import { inject } from 'vitest'
import type { IstioctlCli } from '../../../server/adapters/istioctl/istioctl-cli.ts'
import type { KindCli } from '../../../server/adapters/kind/kind-cli.ts'
import { createKubeOps } from '../../../server/adapters/kube/kube-ops.ts'
import { writeText } from '../../../server/cli/provision-wiring.ts'
import { installYamlFromModule } from '../gateway-api-crds.ts'
import type { ProvisionAdapters } from '../../../server/provision/executors.ts'

/** The cluster under test as a kindlab target: its kubeconfig file and context. */
export function clusterTarget(): { kubeconfigPath: string; context: string } {
  const kubeconfigPath = inject('kubeconfig')
  const kc = new KubeConfig()
  kc.loadFromFile(kubeconfigPath)
  return { kubeconfigPath, context: kc.getCurrentContext() }
}

export interface Recorded {
  istioctl: Array<{ overlayPath: string; target: { kubeconfig?: string; context: string } }>
}

/** Adapters whose Kubernetes side is real; kind must not be reached, istioctl calls are recorded. */
export function testAdapters(): { adapters: ProvisionAdapters; recorded: Recorded; workDir: string } {
  const recorded: Recorded = { istioctl: [] }
  const refuse = (): never => {
    throw new Error('kind must not be used against an existing cluster')
  }
  const kind: KindCli = {
    clusters: refuse,
    create: refuse,
    kubeconfig: refuse,
    delete: refuse,
    loadImageArchive: refuse,
  }
  const istioctl: IstioctlCli = {
    install: (overlayPath, target) => {
      recorded.istioctl.push({ overlayPath, target })
      return Promise.resolve()
    },
    version: () => Promise.resolve('1.31.1'),
  }
  const workDir = mkdtempSync(join(tmpdir(), 'kindlab-provision-'))
  return {
    adapters: { kind, istioctl, kube: (t) => createKubeOps(t), writeText, downloadText: () => installYamlFromModule() },
    recorded,
    workDir,
  }
}
