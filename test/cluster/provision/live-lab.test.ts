// The whole live path on a REAL kind lab made by `kindlab up` (CI: .github/workflows/e2e-kind.yml,
// KUBECONFIG_TEST=<data>/kubeconfig): a Gateway and VirtualService reach the gateway Envoy's
// config_dump through the port-forward, then real HTTP, HTTPS (SNI) and TCP go through kind's host
// ports. Skipped unless the cluster under test carries the shop that `kindlab up` deployed.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CoreV1Api, CustomObjectsApi } from '@kubernetes/client-node'
import { execa } from 'execa'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { createKubeOps } from '../../../server/adapters/kube/kube-ops.ts'
import { createLiveCluster } from '../../../server/adapters/live/live-cluster.ts'
import { probeAddress } from '../../../server/adapters/live/live-services.ts'
import { loadBlueprint } from '../../../server/provision/blueprint.ts'
import { gatewayPortRoutes } from '../../../server/provision/blueprint-facts.ts'
import { appMarkerKey } from '../../../server/provision/plan.ts'
import { kubeConfig } from '../cluster-client.ts'
import { clusterTarget } from './harness.ts'

const bp = await loadBlueprint()
const target = clusterTarget()
const hasLab =
  inject('clusterKind') === 'external' &&
  (await createKubeOps(target)
    .namespaceAnnotation(bp.app.namespace, appMarkerKey)
    .catch(() => undefined)) !== undefined
const host = 'e2e.hipster.test'

/** True when some virtual host of the dump serves `domain`. */
function servesDomain(value: unknown, domain: string): boolean {
  if (Array.isArray(value)) {
    return value.some((v) => servesDomain(v, domain))
  }
  if (value === null || typeof value !== 'object') {
    return false
  }
  const o = value as Record<string, unknown>
  return (
    (Array.isArray(o['domains']) && o['domains'].includes(domain)) ||
    Object.values(o).some((v) => servesDomain(v, domain))
  )
}

/** The gateway has the HTTP route for the host and its HTTPS (8443) and TCP (6379) listeners. */
const propagated = (dump: unknown): boolean => {
  const text = JSON.stringify(dump)
  return servesDomain(dump, host) && text.includes('"0.0.0.0_8443"') && text.includes('"0.0.0.0_6379"')
}

describe.skipIf(!hasLab)(
  'the live lab on kind, end to end (runs against a cluster made by kindlab up: KUBECONFIG_TEST with Istio and the shop)',
  () => {
    const dir = mkdtempSync(join(tmpdir(), 'kindlab-e2e-'))
    const kc = kubeConfig()
    const custom = kc.makeApiClient(CustomObjectsApi)
    const namespace = bp.app.namespace
    const ports = Object.fromEntries(
      gatewayPortRoutes(bp).flatMap((r): Array<[number, number]> => (r.hostPort ? [[r.servicePort, r.hostPort]] : [])),
    )
    const live = createLiveCluster({
      kube: target,
      gateway: {
        namespace: bp.istio.namespace,
        selector: bp.istio.ingress.selector,
        adminPort: bp.istio.ingress.adminPort,
      },
      probe: probeAddress({ type: 'host-ports', ports }),
    })
    const apply = (plural: string, kind: string, spec: Record<string, unknown>) =>
      custom.createNamespacedCustomObject({
        group: 'networking.istio.io',
        version: 'v1',
        namespace,
        plural,
        body: { apiVersion: 'networking.istio.io/v1', kind, metadata: { name: 'kl-e2e' }, spec },
      })

    beforeAll(async () => {
      await execa('openssl', [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        `/CN=${host}`,
        '-addext',
        `subjectAltName=DNS:${host}`,
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ])
      await kc.makeApiClient(CoreV1Api).createNamespacedSecret({
        namespace: bp.istio.namespace,
        body: {
          metadata: { name: 'kl-e2e-cert' },
          type: 'kubernetes.io/tls',
          stringData: {
            'tls.crt': readFileSync(join(dir, 'cert.pem'), 'utf8'),
            'tls.key': readFileSync(join(dir, 'key.pem'), 'utf8'),
          },
        },
      })
      await apply('gateways', 'Gateway', {
        selector: bp.istio.ingress.selector,
        servers: [
          { port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: [host] },
          {
            port: { number: 443, name: 'https', protocol: 'HTTPS' },
            hosts: [host],
            tls: { mode: 'SIMPLE', credentialName: 'kl-e2e-cert' },
          },
          { port: { number: 6379, name: 'tcp-redis', protocol: 'TCP' }, hosts: ['*'] },
        ],
      })
      await apply('virtualservices', 'VirtualService', {
        hosts: [host],
        gateways: ['kl-e2e'],
        http: [{ route: [{ destination: { host: 'frontend', port: { number: 80 } } }] }],
      })
      await custom.createNamespacedCustomObject({
        group: 'networking.istio.io',
        version: 'v1',
        namespace,
        plural: 'virtualservices',
        body: {
          apiVersion: 'networking.istio.io/v1',
          kind: 'VirtualService',
          metadata: { name: 'kl-e2e-redis' },
          spec: {
            hosts: ['*'],
            gateways: ['kl-e2e'],
            tcp: [
              { match: [{ port: 6379 }], route: [{ destination: { host: 'redis-cart', port: { number: 6379 } } }] },
            ],
          },
        },
      })
    })

    afterAll(async () => {
      await custom
        .deleteNamespacedCustomObject({
          group: 'networking.istio.io',
          version: 'v1',
          namespace,
          plural: 'virtualservices',
          name: 'kl-e2e-redis',
        })
        .catch(() => undefined)
      await custom
        .deleteNamespacedCustomObject({
          group: 'networking.istio.io',
          version: 'v1',
          namespace,
          plural: 'virtualservices',
          name: 'kl-e2e',
        })
        .catch(() => undefined)
      await custom
        .deleteNamespacedCustomObject({
          group: 'networking.istio.io',
          version: 'v1',
          namespace,
          plural: 'gateways',
          name: 'kl-e2e',
        })
        .catch(() => undefined)
      await kc
        .makeApiClient(CoreV1Api)
        .deleteNamespacedSecret({ namespace: bp.istio.namespace, name: 'kl-e2e-cert' })
        .catch(() => undefined)
      rmSync(dir, { recursive: true, force: true })
    })

    it("sees the route in the gateway Envoy's config_dump through the port-forward", async () => {
      const { ready } = await live.waitForEnvoy(propagated, 90_000)
      expect(ready).toBe(true)
    })

    it('serves the shop through the gateway over HTTP and HTTPS (SNI), answered by istio-envoy', async () => {
      const page = await live.httpProbe({ port: 80, host, path: '/' })
      expect(page.status).toBe(200)
      expect(page.headers['server']).toBe('istio-envoy')
      expect(page.body).toContain('Online Boutique')
      expect((await live.httpProbe({ port: 80, host, path: '/_healthz' })).body.trim()).toBe('ok')
      expect((await live.httpProbe({ port: 80, host: 'unknown.hipster.test', path: '/' })).status).toBe(404)
      const secure = await live.httpProbe({ port: 443, host, path: '/_healthz', https: true })
      expect(secure).toMatchObject({ status: 200 })
    })

    it("reaches Redis through the gateway's TCP port (host 3306 → node 30306 → 6379)", async () => {
      const result = await live.tcpProbe({ port: 6379, send: 'PING\r\n', expect: '+PONG', timeoutMs: 10_000 })
      expect(result).toMatchObject({ connected: true })
      expect(result.received).toContain('+PONG')
    })
  },
)
