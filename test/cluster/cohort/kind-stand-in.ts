// Test code only. Stand-ins for the two tools cluster mode drives that need Docker, which these
// machines do not have:
// - kind: `create` starts a REAL control plane (kube-apiserver, controller-manager, scheduler,
//   etcd, kwok nodes: test/cluster/controlplane.ts) and writes its kubeconfig where kind would,
//   with kind's context name `kind-<name>`; `delete` stops it. What is NOT exercised: Docker, the
//   node image, and kind's host port mappings (the test reads them from the rendered kind config).
// - istioctl: `install` records the call and applies what `istioctl install` leaves behind as far
//   as kindlab reads it (test/cluster/provision/istio-stand-in.ts), through the real Kubernetes
//   adapter to the trainee's cluster.
import { readFileSync } from 'node:fs'
import { KubeConfig } from '@kubernetes/client-node'
import { parse } from 'yaml'
import type { IstioctlCli } from '../../../server/adapters/istioctl/istioctl-cli.ts'
import type { KindCli } from '../../../server/adapters/kind/kind-cli.ts'
import { createKubeOps } from '../../../server/adapters/kube/kube-ops.ts'
import { writeDataFile } from '../../../server/adapters/kind/cluster-adapters.ts'
import type { Blueprint, KindConfig } from '../../../server/provision/blueprint.ts'
import { startControlPlane, type ControlPlane } from '../controlplane.ts'
import { istioStandIn } from '../provision/istio-stand-in.ts'

export interface KindCall {
  op: 'create' | 'delete'
  name: string
  configPath?: string
  kubeconfigPath?: string
  /** create: the host ports of the kind config it was given. */
  hostPorts?: number[]
}

/** The control plane's admin kubeconfig, renamed as kind names a cluster's context. */
function kindKubeconfig(plane: ControlPlane, name: string): string {
  const admin = new KubeConfig()
  admin.loadFromFile(plane.kubeconfig)
  const cluster = admin.getCurrentCluster()
  const user = admin.getCurrentUser()
  if (!cluster || !user) {
    throw new Error(`control plane of ${name} has no admin user`)
  }
  const context = `kind-${name}`
  const kc = new KubeConfig()
  kc.loadFromOptions({
    clusters: [{ ...cluster, name: context }],
    users: [{ ...user, name: context }],
    contexts: [{ name: context, cluster: context, user: context }],
    currentContext: context,
  })
  return kc.exportConfig()
}

export function kindStandIn(log: (line: string) => void = () => {}): {
  kind: KindCli
  calls: KindCall[]
  planes: Map<string, ControlPlane>
  stopAll(): Promise<void>
} {
  const planes = new Map<string, ControlPlane>()
  const calls: KindCall[] = []
  const kind: KindCli = {
    clusters: () => Promise.resolve([...planes.keys()]),
    async create(name, configPath, kubeconfigPath) {
      const config = parse(readFileSync(configPath, 'utf8')) as KindConfig
      const hostPorts = config.nodes.flatMap((n) => (n.extraPortMappings ?? []).map((m) => m.hostPort))
      calls.push({ op: 'create', name, configPath, kubeconfigPath, hostPorts })
      const plane = await startControlPlane({ nodes: 1, log: (line) => log(`${name}: ${line}`) })
      planes.set(name, plane)
      // kind writes the kubeconfig with its own mode; kindlab makes it 0600 afterwards.
      await writeDataFile(kubeconfigPath, kindKubeconfig(plane, name), 0o644)
    },
    kubeconfig(name) {
      const plane = planes.get(name)
      return plane ? Promise.resolve(kindKubeconfig(plane, name)) : Promise.reject(new Error(`no cluster ${name}`))
    },
    async delete(name, kubeconfigPath) {
      calls.push({ op: 'delete', name, ...(kubeconfigPath ? { kubeconfigPath } : {}) })
      await planes.get(name)?.stop()
      planes.delete(name)
    },
    loadImageArchive: () => Promise.reject(new Error('not used by cluster mode')),
  }
  return {
    kind,
    calls,
    planes,
    async stopAll() {
      await Promise.all([...planes.values()].map((p) => p.stop()))
      planes.clear()
    },
  }
}

export function istioctlStandIn(bp: Blueprint): {
  istioctl: IstioctlCli
  calls: Array<{ overlayPath: string; kubeconfig?: string; context: string }>
} {
  const calls: Array<{ overlayPath: string; kubeconfig?: string; context: string }> = []
  return {
    calls,
    istioctl: {
      async install(overlayPath, target) {
        calls.push({ overlayPath, ...target })
        await createKubeOps({
          ...(target.kubeconfig ? { kubeconfigPath: target.kubeconfig } : {}),
          context: target.context,
        }).apply(istioStandIn(bp, { nodePorts: true }))
      },
      version: () => Promise.resolve('1.31.1'),
    },
  }
}
