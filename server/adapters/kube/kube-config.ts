// Loads a kubeconfig for kindlab: a given file (the lab's own) or the user's default, optionally a
// named context. Says "no cluster configured" instead of letting client-node fall back to
// http://localhost:8080 silently.
import { existsSync } from 'node:fs'
import { KubeConfig } from '@kubernetes/client-node'
import { AppError } from '../../errors.ts'
import { notConfigured } from './kube-errors.ts'

/** Which cluster to talk to. */
export interface KubeTarget {
  /** A kubeconfig file; the user's default (KUBECONFIG, ~/.kube/config, in-cluster) when absent. */
  kubeconfigPath?: string
  /** A context in that kubeconfig; its current context when absent. */
  context?: string
}

/** A loaded KubeConfig and a short description of its cluster for messages. */
export interface LoadedKubeConfig {
  kc: KubeConfig
  context: string
  /** e.g. `"kind-kindlab" (https://127.0.0.1:41234)` */
  where: string
}

function loadFile(kc: KubeConfig, path: string): void {
  if (!existsSync(path)) {
    throw notConfigured(`the kubeconfig ${path} does not exist.`)
  }
  try {
    kc.loadFromFile(path)
  } catch (err) {
    throw new AppError('LAB_ERR_KUBE_NOT_CONFIGURED', {
      message: `The kubeconfig ${path} cannot be read.`,
      hint: 'Check the file (it must be a kubeconfig YAML), or remove it and run `kindlab up` again.',
      cause: err,
    })
  }
}

/** Loads the kubeconfig and selects the context. Throws LAB_ERR_KUBE_NOT_CONFIGURED when there is none. */
export function loadKubeConfig(target: KubeTarget = {}): LoadedKubeConfig {
  const kc = new KubeConfig()
  if (target.kubeconfigPath) {
    loadFile(kc, target.kubeconfigPath)
  } else {
    kc.loadFromDefault()
  }
  const contexts = kc.getContexts().map((c) => c.name)
  if (target.context) {
    if (!contexts.includes(target.context)) {
      throw notConfigured(
        `the context "${target.context}" is not in the kubeconfig${contexts.length ? ` (it has: ${contexts.join(', ')})` : ''}.`,
      )
    }
    kc.setCurrentContext(target.context)
  }
  const cluster = kc.getCurrentCluster()
  const context = kc.getCurrentContext()
  if (!cluster || (contexts.length === 0 && !target.kubeconfigPath && cluster.server === 'http://localhost:8080')) {
    throw notConfigured(
      'no kubeconfig was found (KUBECONFIG, ~/.kube/config) and kindlab is not running inside a cluster.',
    )
  }
  return { kc, context, where: `"${context}" (${cluster.server})` }
}
