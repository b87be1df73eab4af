// A ValidatingAdmissionPolicy (CEL) with its binding rejects a Gateway whose hosts are outside the
// allowed suffix. The binding only selects this test's namespace, so a shared cluster is unaffected.
import { AdmissionregistrationV1Api, ApiException, CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { eventually, kubeConfig, testNamespace, uniqueName } from './cluster-client.ts'

const group = 'networking.istio.io'
const version = 'v1'

function gateway(name: string, host: string): object {
  return {
    apiVersion: `${group}/${version}`,
    kind: 'Gateway',
    metadata: { name },
    spec: {
      selector: { istio: 'ingressgateway' },
      servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: [host] }],
    },
  }
}

describe('ValidatingAdmissionPolicy', () => {
  let kc: KubeConfig
  let ns: { name: string; remove: () => Promise<void> }
  const policy = uniqueName('gateway-hosts')

  beforeAll(async () => {
    kc = kubeConfig()
    ns = await testNamespace(kc, 'vap')
  })
  afterAll(async () => {
    const admission = kc.makeApiClient(AdmissionregistrationV1Api)
    await admission.deleteValidatingAdmissionPolicyBinding({ name: policy }).catch(() => undefined)
    await admission.deleteValidatingAdmissionPolicy({ name: policy }).catch(() => undefined)
    await ns?.remove()
  })

  it('rejects a Gateway host outside *.lab.example.com', async () => {
    const admission = kc.makeApiClient(AdmissionregistrationV1Api)
    await admission.createValidatingAdmissionPolicy({
      body: {
        metadata: { name: policy },
        spec: {
          failurePolicy: 'Fail',
          matchConstraints: {
            resourceRules: [
              { apiGroups: [group], apiVersions: ['*'], operations: ['CREATE', 'UPDATE'], resources: ['gateways'] },
            ],
          },
          validations: [
            {
              expression: "object.spec.servers.all(s, s.hosts.all(h, h.endsWith('.lab.example.com')))",
              message: 'Gateway hosts must end with .lab.example.com',
              reason: 'Forbidden',
            },
          ],
        },
      },
    })
    await admission.createValidatingAdmissionPolicyBinding({
      body: {
        metadata: { name: policy },
        spec: {
          policyName: policy,
          validationActions: ['Deny'],
          matchResources: { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': ns.name } } },
        },
      },
    })

    const api = kc.makeApiClient(CustomObjectsApi)
    const create = (name: string, host: string): Promise<unknown> =>
      api.createNamespacedCustomObject({
        group,
        version,
        namespace: ns.name,
        plural: 'gateways',
        body: gateway(name, host),
      })

    // The policy takes effect asynchronously; dry-run probes until it does, leaving nothing behind.
    const rejection = await eventually('the policy to reject an outside host', async () => {
      const err = await api
        .createNamespacedCustomObject({
          group,
          version,
          namespace: ns.name,
          plural: 'gateways',
          body: gateway('probe', 'shop.example.org'),
          dryRun: 'All',
        })
        .then(
          () => undefined,
          (e: unknown) => e,
        )
      return err instanceof ApiException ? (err as ApiException<string>) : undefined
    })
    expect(rejection.code).toBe(403)
    expect(String(rejection.body)).toContain('Gateway hosts must end with .lab.example.com')

    const refused = await create('outside', 'shop.example.org').catch((e: unknown) => e)
    expect((refused as ApiException<string>).code).toBe(403)
    await expect(create('inside', 'shop.lab.example.com')).resolves.toBeTruthy()
  })
})
