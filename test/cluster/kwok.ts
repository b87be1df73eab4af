// kwok: fake nodes whose pods become Running. The stages are kwok's own defaults (node-fast,
// heartbeat-with-lease, pod-fast), read from the pinned kwok module rather than copied here.
import { readFileSync, writeFileSync } from 'node:fs'
import type { CoreV1Api, V1Node } from '@kubernetes/client-node'
import { kwokModule, moduleDir } from './gomod.ts'
import { versions } from './versions.ts'

const stageFiles = [
  'kustomize/stage/node/fast/node-initialize.yaml',
  'kustomize/stage/node/heartbeat-with-lease/node-heartbeat-with-lease.yaml',
  'kustomize/stage/pod/fast/pod-ready.yaml',
  'kustomize/stage/pod/fast/pod-complete.yaml',
  'kustomize/stage/pod/fast/pod-delete.yaml',
]

/** Nodes carrying this annotation are the ones kwok manages. */
export const fakeNodeAnnotation = { key: 'kwok.x-k8s.io/node', value: 'fake' }

/** Writes kwok's --config file (a multi-document YAML of Stage objects); returns its path. */
export async function writeKwokConfig(path: string): Promise<string> {
  const dir = await moduleDir(kwokModule)
  const docs = stageFiles.map((f) => readFileSync(`${dir}/${f}`, 'utf8').trim())
  writeFileSync(path, `${docs.join('\n---\n')}\n`)
  return path
}

/** `cidr`: the range pod IPs come from (a data plane routes it into its network namespace). */
export function kwokArgs(kubeconfig: string, config: string, cidr = '10.244.0.1/16'): string[] {
  return [
    `--kubeconfig=${kubeconfig}`,
    `--config=${config}`,
    '--manage-all-nodes=false',
    `--manage-nodes-with-annotation-selector=${fakeNodeAnnotation.key}=${fakeNodeAnnotation.value}`,
    '--node-lease-duration-seconds=40',
    `--cidr=${cidr}`,
  ]
}

function fakeNode(name: string): V1Node {
  const resources = { cpu: '32', memory: '256Gi', pods: '110', 'ephemeral-storage': '100Gi' }
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      annotations: { [fakeNodeAnnotation.key]: fakeNodeAnnotation.value, 'node.alpha.kubernetes.io/ttl': '0' },
      labels: {
        'kubernetes.io/hostname': name,
        'kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        'node-role.kubernetes.io/agent': '',
        type: 'kwok',
      },
    },
    status: {
      allocatable: resources,
      capacity: resources,
      nodeInfo: {
        architecture: 'amd64',
        operatingSystem: 'linux',
        kubeletVersion: `${versions.kubernetes}-kwok`,
        kubeProxyVersion: '',
        bootID: '',
        containerRuntimeVersion: 'kwok',
        kernelVersion: '',
        machineID: '',
        osImage: 'kwok',
        systemUUID: '',
      },
    },
  }
}

/** Creates `count` fake nodes named kwok-node-<i>. */
export async function createFakeNodes(core: CoreV1Api, count: number): Promise<string[]> {
  const names = Array.from({ length: count }, (_, i) => `kwok-node-${i}`)
  await Promise.all(names.map((name) => core.createNode({ body: fakeNode(name) })))
  return names
}

/** True when every named node reports Ready=True. */
export async function nodesReady(core: CoreV1Api, names: string[]): Promise<boolean> {
  const list = await core.listNode({})
  const ready = new Set(
    list.items
      .filter((n) => n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'))
      .map((n) => n.metadata?.name),
  )
  return names.every((n) => ready.has(n))
}
