// The shipped blueprint (clusters/) against the facts the labs rely on: pinned versions, ports,
// the shop's services and images, and the overlay keeping every demo-profile gateway port.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { clustersDir } from '../paths.ts'
import { blueprintShopNamespace, loadBlueprint } from './blueprint.ts'
import { blueprintImages, blueprintPorts, clusterImages, gatewayPortRoutes, gatewayPorts } from './blueprint-facts.ts'

const bp = await loadBlueprint()
const shopObjects = bp.app.manifests.flatMap((f) => f.objects)

describe('the shipped blueprint', () => {
  it('pins a Kubernetes 1.36 kind node image by digest and maps the host ports to fixed node ports', () => {
    const node = bp.kind.config.nodes[0]
    expect(node?.image).toMatch(/^kindest\/node:v1\.36\.\d+@sha256:[0-9a-f]{64}$/)
    expect(node?.extraPortMappings?.map((m) => [m.hostPort, m.containerPort, m.listenAddress])).toEqual([
      [80, 30080, '127.0.0.1'],
      [443, 30443, '127.0.0.1'],
      [3306, 30306, '127.0.0.1'],
    ])
  })

  it('keeps every demo-profile gateway port in the NodePort overlay, status-port first', () => {
    const ports = gatewayPorts(bp.istio.overlay, 'istio-ingressgateway')
    expect(ports.map((p) => p['name'])).toEqual(['status-port', 'http2', 'https', 'tcp-redis', 'tcp', 'tls'])
    const byName: Record<string, unknown> = Object.fromEntries(ports.map((p) => [String(p['name']), p]))
    expect(byName['http2']).toMatchObject({ port: 80, targetPort: 8080, nodePort: 30080 })
    expect(byName['https']).toMatchObject({ port: 443, targetPort: 8443, nodePort: 30443 })
    expect(byName['tcp-redis']).toMatchObject({ port: 6379, nodePort: 30306 })
    expect(ports.every((p) => Number(p['targetPort']) > 1024)).toBe(true)
    expect(bp.istio.overlay['spec']).toMatchObject({ profile: 'demo', hub: 'docker.io/istio', tag: '1.31.1' })
  })

  it('routes every fixed gateway port to its node port and kind host port (Redis 6379 → 30306 → host 3306)', () => {
    expect(gatewayPortRoutes(bp)).toEqual([
      { servicePort: 15021, nodePort: 30021 },
      { servicePort: 80, nodePort: 30080, hostPort: 80 },
      { servicePort: 443, nodePort: 30443, hostPort: 443 },
      { servicePort: 6379, nodePort: 30306, hostPort: 3306 },
    ])
  })

  it('has the shop: 10 services plus redis-cart, frontend 80 → 8080, frontend-external a LoadBalancer', () => {
    const deployments = shopObjects.filter((o) => o.kind === 'Deployment').map((o) => o.metadata.name)
    expect(deployments).toHaveLength(11)
    expect(deployments).toContain('redis-cart')
    expect(deployments).not.toContain('loadgenerator')
    const svc = (name: string) => shopObjects.find((o) => o.kind === 'Service' && o.metadata.name === name)
    expect(svc('frontend')?.['spec']).toMatchObject({ ports: [{ port: 80, targetPort: 8080 }] })
    expect(svc('frontend-external')?.['spec']).toMatchObject({ type: 'LoadBalancer' })
    expect(shopObjects.every((o) => o.kind === 'Namespace' || o.metadata.namespace === 'hipster')).toBe(true)
    const ns = shopObjects.find((o) => o.kind === 'Namespace')
    expect(ns?.metadata.labels).toMatchObject({ 'istio-injection': 'enabled' })
  })

  it('derives every image from the manifests: upstream v0.10.5 images, redis:alpine, Istio 1.31.1, the addons', () => {
    const images = blueprintImages(bp).map((r) => r.image)
    const boutique = images.filter((i) => i.startsWith('us-central1-docker.pkg.dev/google-samples/microservices-demo/'))
    expect(boutique).toHaveLength(10)
    expect(boutique.every((i) => i.endsWith(':v0.10.5'))).toBe(true)
    expect(images).toEqual(
      expect.arrayContaining([
        'redis:alpine',
        'docker.io/istio/pilot:1.31.1',
        'docker.io/istio/proxyv2:1.31.1',
        // The CNI node agent: injected pods then meet Pod Security baseline (no NET_ADMIN).
        'docker.io/istio/install-cni:1.31.1',
        'quay.io/kiali/kiali:v2.31',
      ]),
    )
    expect(new Set(images).size).toBe(images.length)
    expect(blueprintImages(bp, { optional: ['loadgenerator'] }).map((r) => r.image)).toContain(
      'us-central1-docker.pkg.dev/google-samples/microservices-demo/loadgenerator:v0.10.5',
    )
    expect(clusterImages(bp).some((r) => r.image.startsWith('kindest/node'))).toBe(false)
  })

  it('serves Kiali under /kiali on 20001 and Jaeger under /jaeger behind tracing:80 → 16686', () => {
    const addons = bp.addons.manifests.flatMap((f) => f.objects)
    const config = (name: string) =>
      String(
        (addons.find((o) => o.kind === 'ConfigMap' && o.metadata.name === name)?.['data'] as Record<string, string>)[
          'config.yaml'
        ],
      )
    expect(config('kiali')).toContain('web_root: /kiali')
    expect(config('jaeger')).toContain('base_path: /jaeger')
    const ports = blueprintPorts(bp).map((p) => `${p.name} ${p.mapping}`)
    expect(ports).toContain('istio-system/kiali http 20001')
    expect(ports).toContain('istio-system/tracing http-query 80 → 16686')
  })
})

describe("the shop's namespace", () => {
  it('is read from blueprint.yaml, the one place that names it', async () => {
    expect(blueprintShopNamespace()).toBe(bp.app.namespace)
    const dir = await mkdtemp(join(tmpdir(), 'kindlab-bp-'))
    const index = (await readFile(join(bp.dir, 'blueprint.yaml'), 'utf8')).replace(
      `namespace: ${bp.app.namespace}`,
      'namespace: boutique',
    )
    await writeFile(join(dir, 'blueprint.yaml'), index)
    expect(blueprintShopNamespace(dir)).toBe('boutique')
    await rm(dir, { recursive: true, force: true })
    expect(() => blueprintShopNamespace(join(dir, 'gone'))).toThrow(
      expect.objectContaining({ code: 'LAB_ERR_CONFIG_INVALID' }),
    )
  })
})

describe('a broken blueprint', () => {
  it('is refused with the file and what is wrong, in the app-wide dialect', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kindlab-blueprint-'))
    try {
      cpSync(clustersDir(), dir, { recursive: true })
      const index = join(dir, 'blueprint.yaml')
      writeFileSync(index, readFileSync(index, 'utf8').replace('clusterName: kindlab', 'clusterName: Kind_Lab'))
      await expect(loadBlueprint(dir)).rejects.toMatchObject({
        code: 'LAB_ERR_CONFIG_INVALID',
        message:
          'The cluster blueprint file blueprint.yaml is invalid: /kind/clusterName must match pattern "^[a-z0-9][a-z0-9-]*$".',
      })
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
