// RBAC is really enforced: a ServiceAccount bound to a Role in namespace A gets a token from the
// TokenRequest API, may list pods in A, and is refused (403) in namespace B.
import { ApiException, CoreV1Api, KubeConfig, RbacAuthorizationV1Api } from '@kubernetes/client-node'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { kubeConfig, testNamespace } from './cluster-client.ts'

/** A KubeConfig for the same cluster that authenticates with a bearer token. */
function tokenKubeConfig(admin: KubeConfig, token: string): KubeConfig {
  const cluster = admin.getCurrentCluster()
  if (!cluster) {
    throw new Error('admin kubeconfig has no current cluster')
  }
  const kc = new KubeConfig()
  kc.loadFromOptions({
    clusters: [cluster],
    users: [{ name: 'reader', token }],
    contexts: [{ name: 'reader', cluster: cluster.name, user: 'reader' }],
    currentContext: 'reader',
  })
  return kc
}

describe('RBAC', () => {
  let kc: KubeConfig
  let a: { name: string; remove: () => Promise<void> }
  let b: { name: string; remove: () => Promise<void> }

  beforeAll(async () => {
    kc = kubeConfig()
    a = await testNamespace(kc, 'rbac-a')
    b = await testNamespace(kc, 'rbac-b')
  })
  afterAll(async () => Promise.all([a?.remove(), b?.remove()]))

  it('refuses a namespace-A ServiceAccount in namespace B', async () => {
    const core = kc.makeApiClient(CoreV1Api)
    const rbac = kc.makeApiClient(RbacAuthorizationV1Api)
    await core.createNamespacedServiceAccount({ namespace: a.name, body: { metadata: { name: 'reader' } } })
    await rbac.createNamespacedRole({
      namespace: a.name,
      body: {
        metadata: { name: 'pod-reader' },
        rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] }],
      },
    })
    await rbac.createNamespacedRoleBinding({
      namespace: a.name,
      body: {
        metadata: { name: 'reader-reads-pods' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'pod-reader' },
        subjects: [{ kind: 'ServiceAccount', name: 'reader', namespace: a.name }],
      },
    })
    const request = await core.createNamespacedServiceAccountToken({
      name: 'reader',
      namespace: a.name,
      body: { spec: { audiences: [], expirationSeconds: 600 } },
    })
    const token = request.status?.token
    expect(token).toBeTruthy()

    const asReader = tokenKubeConfig(kc, token ?? '').makeApiClient(CoreV1Api)
    const allowed = await asReader.listNamespacedPod({ namespace: a.name })
    expect(allowed.items).toEqual([])

    const refused = await asReader.listNamespacedPod({ namespace: b.name }).catch((err: unknown) => err)
    expect(refused).toBeInstanceOf(ApiException)
    expect((refused as ApiException<string>).code).toBe(403)
    expect(String((refused as ApiException<string>).body)).toContain(`system:serviceaccount:${a.name}:reader`)
  })
})
