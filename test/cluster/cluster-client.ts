// Helpers for the cluster suites: the kubeconfig provided by global-setup.ts, throwaway
// namespaces, and a poll-based `eventually`. Test code only.
import { randomBytes } from 'node:crypto'
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node'
import { inject } from 'vitest'
import { poll, type PollOptions } from './poll.ts'

/** KubeConfig for the cluster under test (admin rights). */
export function kubeConfig(): KubeConfig {
  const kc = new KubeConfig()
  kc.loadFromFile(inject('kubeconfig'))
  return kc
}

/** A DNS-1123 name unique to this run, e.g. `kl-rbac-3f9a1c`. */
export function uniqueName(prefix: string): string {
  return `kl-${prefix}-${randomBytes(3).toString('hex')}`
}

/** Creates a namespace and returns its name plus a cleanup function for afterAll. */
export async function testNamespace(
  kc: KubeConfig,
  prefix: string,
): Promise<{ name: string; remove: () => Promise<void> }> {
  const core = kc.makeApiClient(CoreV1Api)
  const name = uniqueName(prefix)
  await core.createNamespace({ body: { metadata: { name, labels: { 'kindlab.dev/test': 'true' } } } })
  // The ServiceAccount admission plugin rejects pods until the namespace's `default` SA exists.
  await poll(() => core.readNamespacedServiceAccount({ name: 'default', namespace: name }), {
    what: `ServiceAccount default in ${name}`,
  })
  return {
    name,
    remove: async () => {
      await core.deleteNamespace({ name }).catch(() => undefined)
    },
  }
}

/** Polls until `probe` returns a value (undefined or a thrown error mean "not yet"). */
export function eventually<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  options: Partial<PollOptions> = {},
): Promise<T> {
  return poll(probe, { timeoutMs: 60_000, intervalMs: 300, ...options, what })
}
