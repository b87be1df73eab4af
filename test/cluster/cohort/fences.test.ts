// The fences around a namespace-mode trainee, against the real kube-apiserver, as the trainee's
// own identity (their ServiceAccount's token): Pod Security `baseline` refuses node-root pods
// (privileged, hostPath /, hostNetwork, hostPID, a no-CNI sidecar's NET_ADMIN), RBAC and the route
// fence refuse every way of pointing the shared gateway outside the trainee's fence (another
// trainee's Service, ServiceEntry, Endpoints, EndpointSlice, ExternalName and selector-less
// Services, another port, a protocol clash on 80), each with a message; and what the lab hands out
// passes: the planned pods (the provisioner's own build), the sidecar-injected shape with
// Istio CNI, and every step's solution that lands in the trainee's namespace.
import { mkdtempSync, rmSync } from 'node:fs'
import { readdir, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  ApiextensionsV1Api,
  CoreV1Api,
  KubernetesObjectApi,
  RbacAuthorizationV1Api,
  type KubeConfig,
  type KubernetesObject,
} from '@kubernetes/client-node'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseAllDocuments } from 'yaml'
import { loadLabs, type Lab } from '../../../server/labs/load-labs.ts'
import { resolveVariables, substituteVariables } from '../../../server/labs/variables.ts'
import { traineeDomain, traineeNamespace, traineeTcpPort } from '../../../server/cohorts/plan/names.ts'
import { platformVars } from '../../../server/cohorts/plan/namespace-plan.ts'
import { packageRoot } from '../../../server/paths.ts'
import { createCohortsRepo } from '../../../server/store/cohorts-repo.ts'
import { openDb } from '../../../server/store/db.ts'
import { eventually, kubeConfig } from '../cluster-client.ts'
import { installGatewayApiCrds } from '../gateway-api-crds.ts'
import { attempt, backend, cohortName, ensureClassNamespaces, serviceAccountConfig } from './helpers.ts'

const image = 'registry.k8s.io/pause:3.10'
const pod = (namespace: string, name: string, spec: object): KubernetesObject =>
  ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace }, spec }) as KubernetesObject
const container = (extra: object = {}) => ({ name: 'c', image, ...extra })
const istio = (kind: string, namespace: string, name: string, spec: object): KubernetesObject =>
  ({ apiVersion: 'networking.istio.io/v1', kind, metadata: { name, namespace }, spec }) as KubernetesObject
const server = (number: number, protocol: string, host: string) => ({
  port: { number, name: `p-${number}-${protocol.toLowerCase()}`, protocol },
  hosts: [host],
})
const gateway = (ns: string, name: string, servers: object[], selector: object = { istio: 'ingressgateway' }) =>
  istio('Gateway', ns, name, { selector, servers })
const service = (ns: string, name: string, spec: object): KubernetesObject =>
  ({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: ns }, spec }) as KubernetesObject

/** The pod the sidecar injector makes with Istio CNI: no NET_ADMIN, every capability dropped. */
function injectedWithCni(ns: string, name: string): KubernetesObject {
  const proxy = {
    allowPrivilegeEscalation: false,
    capabilities: { drop: ['ALL'] },
    privileged: false,
    readOnlyRootFilesystem: true,
    runAsGroup: 1337,
    runAsNonRoot: true,
    runAsUser: 1337,
  }
  return pod(ns, name, {
    initContainers: [
      { name: 'istio-validation', image, args: ['istio-iptables', '--run-validation'], securityContext: proxy },
    ],
    containers: [container(), { name: 'istio-proxy', image, args: ['proxy', 'sidecar'], securityContext: proxy }],
    volumes: [{ name: 'istio-envoy', emptyDir: { medium: 'Memory' } }],
  })
}

describe('namespace-mode fences, as the trainee', () => {
  const admin = kubeConfig()
  const { envs } = backend(admin)
  const cohort = cohortName('fence')
  const nsA = traineeNamespace(cohort, 'trainee01')
  const nsB = traineeNamespace(cohort, 'trainee02')
  const domainA = traineeDomain(cohort, 'trainee01')
  let asA: KubeConfig
  let lab: Lab
  let createdGateway = false
  const gatewayService = { name: 'istio-ingressgateway', namespace: 'istio-system' }
  const gatewayPorts = async () =>
    ((await admin.makeApiClient(CoreV1Api).readNamespacedService(gatewayService)).spec?.ports ?? []).map(
      (p) => `${p.name}:${p.port}`,
    )

  beforeAll(async () => {
    await ensureClassNamespaces(admin)
    // The class cluster's gateway Service as Istio's install leaves it (the sim has none).
    const core = admin.makeApiClient(CoreV1Api)
    if (!(await core.readNamespacedService(gatewayService).catch(() => undefined))) {
      await core.createNamespacedService({
        namespace: gatewayService.namespace,
        body: {
          metadata: { name: gatewayService.name },
          spec: { selector: { istio: 'ingressgateway' }, ports: [{ name: 'http2', port: 80, targetPort: 8080 }] },
        },
      })
      createdGateway = true
    }
    await envs.prepareShared(cohort)
    // The provisioner's own pods (frontend, workspace) must pass the namespace's Pod Security level.
    await Promise.all(['trainee01', 'trainee02'].map((t) => envs.provision(cohort, t)))
    asA = await serviceAccountConfig(admin, nsA, 'trainee')
    lab = (await loadLabs(join(packageRoot(), 'labs'))).labs.find((l) => l.id === 'istio-ingress')!
    // The policies take effect asynchronously: probe until the route fence refuses.
    await eventually('the route fence to be in force', async () => {
      const o = await attempt(asA, service(nsA, 'probe', { type: 'ExternalName', externalName: 'example.org' }))
      return o.admitted ? undefined : o
    })
  }, 240_000)
  afterAll(async () => {
    await envs.teardown(cohort)
    if (createdGateway) {
      await admin.makeApiClient(CoreV1Api).deleteNamespacedService(gatewayService)
    }
  }, 120_000)

  const refused = async (object: KubernetesObject, pattern: RegExp, as?: KubeConfig) => {
    const o = await attempt(as ?? asA, object)
    expect(o, `${object.kind} ${object.metadata?.name}`).toMatchObject({ admitted: false, code: 403 })
    expect(o.admitted ? '' : o.message).toMatch(pattern)
  }
  const admitted = async (object: KubernetesObject, as?: KubeConfig) =>
    expect(await attempt(as ?? asA, object), `${object.kind} ${object.metadata?.name}`).toEqual({ admitted: true })

  it('Pod Security baseline refuses privileged, hostPath /, hostNetwork and hostPID pods', async () => {
    const baseline = /violates PodSecurity "baseline:latest"/
    await refused(
      pod(nsA, 'privileged', { containers: [container({ securityContext: { privileged: true } })] }),
      /privileged/,
    )
    await refused(
      pod(nsA, 'host-root', {
        containers: [container({ volumeMounts: [{ name: 'root', mountPath: '/host' }] })],
        volumes: [{ name: 'root', hostPath: { path: '/' } }],
      }),
      /hostPath volumes/,
    )
    await refused(pod(nsA, 'host-network', { hostNetwork: true, containers: [container()] }), /host namespaces/)
    await refused(pod(nsA, 'host-pid', { hostPID: true, containers: [container()] }), baseline)
  })

  it('admits the sidecar-injected pod shape with Istio CNI, and refuses the no-CNI istio-init (NET_ADMIN, NET_RAW)', async () => {
    await admitted(injectedWithCni(nsA, 'injected'))
    await refused(
      pod(nsA, 'istio-init', {
        initContainers: [
          container({
            name: 'istio-init',
            securityContext: { capabilities: { add: ['NET_ADMIN', 'NET_RAW'], drop: ['ALL'] }, runAsUser: 0 },
          }),
        ],
        containers: [container()],
      }),
      /non-default capabilities.*NET_ADMIN/,
    )
  })

  it("refuses routes to another trainee's Service, and DestinationRules for it", async () => {
    const other = `frontend.${nsB}.svc.cluster.local`
    const route = (name: string, http: object) =>
      istio('VirtualService', nsA, name, { hosts: [`hipster.${domainA}`], gateways: ['shop-gateway'], http: [http] })
    await refused(
      route('cross-ns', { route: [{ destination: { host: other, port: { number: 80 } } }] }),
      /may route only to/,
    )
    await refused(
      route('mirror', { route: [{ destination: { host: 'frontend' } }], mirror: { host: other } }),
      /may route only to/,
    )
    await refused(route('delegate', { delegate: { name: 'theirs', namespace: nsB } }), /delegate only within/)
    await refused(istio('DestinationRule', nsA, 'theirs', { host: other }), /may only name a host in/)
    await admitted(route('own', { route: [{ destination: { host: 'frontend', port: { number: 80 } } }] }))
    await admitted(route('shop', { route: [{ destination: { host: 'cartservice.hipster.svc.cluster.local' } }] }))
  })

  it('refuses ServiceEntry, Endpoints and EndpointSlice (RBAC), and the route fence refuses them too should a Role ever grant them', async () => {
    const entry = istio('ServiceEntry', nsA, 'anywhere', {
      hosts: ['anywhere.example'],
      ports: [{ number: 80, name: 'http', protocol: 'HTTP' }],
      resolution: 'DNS',
    })
    const endpoints = {
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: { name: 'frontend-x', namespace: nsA },
      subsets: [{ addresses: [{ ip: '10.0.0.1' }], ports: [{ port: 80 }] }],
    } as KubernetesObject
    const slice = {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: { name: 'frontend-x', namespace: nsA, labels: { 'kubernetes.io/service-name': 'frontend' } },
      addressType: 'IPv4',
      endpoints: [{ addresses: ['10.0.0.1'] }],
      ports: [{ port: 80 }],
    } as KubernetesObject
    const forbidden = /cannot create resource/
    for (const o of [entry, endpoints, slice]) {
      await refused(o, forbidden)
    }
    // The second wall: a ServiceAccount of the namespace with every right there is still refused.
    const core = admin.makeApiClient(CoreV1Api)
    const rbac = admin.makeApiClient(RbacAuthorizationV1Api)
    await core.createNamespacedServiceAccount({ namespace: nsA, body: { metadata: { name: 'wide' } } })
    await rbac.createNamespacedRole({
      namespace: nsA,
      body: { metadata: { name: 'wide' }, rules: [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }] },
    })
    await rbac.createNamespacedRoleBinding({
      namespace: nsA,
      body: {
        metadata: { name: 'wide' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'wide' },
        subjects: [{ kind: 'ServiceAccount', name: 'wide', namespace: nsA }],
      },
    })
    const wide = await serviceAccountConfig(admin, nsA, 'wide')
    for (const o of [entry, endpoints, slice]) {
      await refused(o, /point traffic at addresses of your choosing/, wide)
    }
    // The endpoint controllers (not ServiceAccounts of the namespace) still may.
    await admitted(endpoints, admin)
  })

  it('refuses ExternalName, selector-less, externalIPs and NodePort Services; admits a ClusterIP Service with a selector', async () => {
    const ports = [{ port: 80, targetPort: 8080 }]
    const message = /must be a ClusterIP Service with a selector/
    await refused(service(nsA, 'external', { type: 'ExternalName', externalName: 'example.org' }), message)
    await refused(service(nsA, 'no-selector', { ports }), message)
    await refused(service(nsA, 'external-ips', { selector: { app: 'x' }, ports, externalIPs: ['10.1.2.3'] }), message)
    await refused(service(nsA, 'node-port', { type: 'NodePort', selector: { app: 'x' }, ports }), message)
    await admitted(service(nsA, 'fine', { selector: { app: 'x' }, ports }))
  })

  it("refuses a TCP server on someone else's port, a protocol clash on 80, bind and another selector", async () => {
    const host = `redis.${domainA}`
    const ports = /may open only port 80 \(HTTP\), 443 \(HTTPS or TLS\) and your TCP port 20001/
    await refused(gateway(nsA, 'takeover', [server(6379, 'TCP', host)]), ports)
    await refused(gateway(nsA, 'neighbour', [server(traineeTcpPort(cohort, 'trainee02'), 'TCP', host)]), ports)
    await refused(gateway(nsA, 'clash', [server(80, 'TCP', host)]), ports)
    await refused(gateway(nsA, 'https-on-80', [server(80, 'HTTPS', host)]), ports)
    await refused(gateway(nsA, 'target-port', [server(8080, 'HTTP', `hipster.${domainA}`)]), ports)
    await refused(gateway(nsA, 'bind', [{ ...server(80, 'HTTP', `hipster.${domainA}`), bind: '10.244.0.5' }]), ports)
    await refused(
      gateway(nsA, 'egress', [server(80, 'HTTP', `hipster.${domainA}`)], { istio: 'egressgateway' }),
      /must select the ingress gateway/,
    )
    await admitted(gateway(nsA, 'own-tcp', [server(traineeTcpPort(cohort, 'trainee01'), 'TCP', host)]))
    await admitted(gateway(nsA, 'http2', [server(80, 'http2', `hipster.${domainA}`)]))
  })

  it("fences Kubernetes Gateway API hostnames to the trainee's domain, and routes to their namespace", async () => {
    await installGatewayApiCrds(admin.makeApiClient(ApiextensionsV1Api))
    const gwApi = (kind: string, ns: string, name: string, spec: object): KubernetesObject =>
      ({
        apiVersion: 'gateway.networking.k8s.io/v1',
        kind,
        metadata: { name, namespace: ns },
        spec,
      }) as KubernetesObject
    const listener = (name: string, protocol: string, port: number, hostname?: string) => ({
      name,
      protocol,
      port,
      ...(hostname === undefined ? {} : { hostname }),
    })
    const k8sGateway = (ns: string, listeners: object[]) =>
      gwApi('Gateway', ns, 'shop-gateway', { gatewayClassName: 'istio', listeners })
    const httpRoute = (ns: string, hostnames?: string[], parentRefs: object[] = [{ name: 'shop-gateway' }]) =>
      gwApi('HTTPRoute', ns, 'shop', {
        parentRefs,
        ...(hostnames === undefined ? {} : { hostnames }),
        rules: [{ backendRefs: [{ name: 'frontend', port: 80 }] }],
      })
    const domainB = traineeDomain(cohort, 'trainee02')
    // The CRDs arrive after the policy: wait until it applies to them too.
    await eventually('the host policy to cover HTTPRoutes', async () => {
      const o = await attempt(asA, httpRoute(nsA, [`shop.${domainB}`]))
      return o.admitted ? undefined : o
    })
    await admitted(
      k8sGateway(nsA, [listener('http', 'HTTP', 80, `hipster.${domainA}`), listener('redis', 'TCP', 6379)]),
    )
    await refused(k8sGateway(nsA, [listener('http', 'HTTP', 80)]), /listener needs a hostname/)
    await refused(k8sGateway(nsA, [listener('http', 'HTTP', 80, `hipster.${domainB}`)]), /your trainee domain/)
    await admitted(httpRoute(nsA, [`hipster.${domainA}`, `beta.${domainA}`]))
    await refused(httpRoute(nsA, [`hipster.${domainA}`, `shop.${domainB}`]), /your trainee domain/)
    // Without hostnames a route takes what its listeners allow: fine on the trainee's own Gateways
    // (their listeners are fenced to the domain above); before issue 15 (5) it was refused anyway.
    await admitted(httpRoute(nsA))
    await admitted(httpRoute(nsA, [], [{ name: 'shop-gateway', namespace: nsA, sectionName: 'http' }]))
    // On a Gateway elsewhere (the class's shared listener for *.<cohort domain>, another
    // trainee's) it would take every trainee's host names: refused, with what to do.
    const noHostnames = new RegExp(
      `HTTPRoute shop lists no hostnames.*list yours under ${domainA.replace(/\./g, '\\.')}`,
    )
    await refused(httpRoute(nsA, undefined, [{ name: 'public', namespace: 'infra' }]), noHostnames)
    await refused(httpRoute(nsA, [], [{ name: 'shop-gateway', namespace: nsB }]), noHostnames)
    await refused(
      httpRoute(nsA, undefined, [{ name: 'shop-gateway' }, { name: 'public', namespace: 'infra' }]),
      noHostnames,
    )
    await admitted(httpRoute(nsA, [`shop.${domainA}`], [{ name: 'public', namespace: 'infra' }]))
    // Another trainee's namespace: RBAC, before any policy.
    await refused(httpRoute(nsB, [`hipster.${domainA}`]), /forbidden/i)
  })

  it("admits every step's solution as the trainee, the HTTPS Secret and shared Gateway in istio-system included (and each Deployment's pods)", async () => {
    const vars = resolveVariables(lab.variables, {
      TRAINEE_DOMAIN: domainA,
      LEARNER_NAMESPACE: nsA,
      TRAINEE_TCP_PORT: String(traineeTcpPort(cohort, 'trainee01')),
      ...platformVars(nsA),
    })
    const dir = join(packageRoot(), 'labs', 'istio-ingress', 'solution')
    const outside: string[] = []
    let count = 0
    for (const step of (await readdir(dir)).sort()) {
      for (const file of (await readdir(join(dir, step))).filter((f) => f.endsWith('.yaml')).sort()) {
        const text = substituteVariables(await readFile(join(dir, step, file), 'utf8'), vars)
        for (const doc of parseAllDocuments(text)) {
          const o = doc.toJS() as KubernetesObject
          if (o.apiVersion === 'kindlab.dev/v1') {
            continue // a marker (e.g. "deleted"), not an object
          }
          if (o.metadata?.namespace && o.metadata.namespace !== nsA) {
            // Istio's namespace is the class's: what the steps write there, the trainee may write
            // under their own names (before issue 13 (b) both were refused: RBAC, 403).
            await admitted(o)
            outside.push(`${step}/${file} ${o.kind} ${o.metadata.namespace}/${o.metadata.name}`)
            continue
          }
          const object = { ...o, metadata: { ...o.metadata, namespace: nsA } } as KubernetesObject
          await admitted(object)
          count++
          const template = (o as { spec?: { template?: { spec?: object } } }).spec?.template?.spec
          if (o.kind === 'Deployment' && template) {
            await admitted(pod(nsA, `${o.metadata?.name ?? 'x'}-pod`, template))
          }
        }
      }
    }
    expect(count).toBeGreaterThan(15)
    expect(outside).toEqual([
      `07-https/hipster-credential.yaml Secret istio-system/${nsA}-tls`,
      `09-shared-gateway/public-gateway.yaml Gateway istio-system/${nsA}-gateway`,
    ])
  })

  it("in istio-system admits only the trainee's own TLS Secret and shared Gateway, in their domain, with their certificate", async () => {
    const secret = (name: string, type: string, annotations: Record<string, string> = {}) =>
      ({
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name, namespace: 'istio-system', annotations },
        type,
        ...(type === 'kubernetes.io/tls' ? { data: { 'tls.crt': '', 'tls.key': '' } } : {}),
      }) as KubernetesObject
    const ownSecret = /you may create only your TLS Secret kl-.*-trainee01-tls/
    await refused(secret('hipster-credential', 'kubernetes.io/tls'), ownSecret)
    await refused(secret(`${nsB}-tls`, 'kubernetes.io/tls'), ownSecret)
    await refused(secret(`${nsA}-tls`, 'Opaque'), ownSecret)
    // A token Secret would be filled with the token of istiod's ServiceAccount.
    await refused(
      secret(`${nsA}-tls`, 'kubernetes.io/service-account-token', { 'kubernetes.io/service-account.name': 'istiod' }),
      ownSecret,
    )
    await admitted(secret(`${nsA}-tls`, 'kubernetes.io/tls'))
    const shared = (name: string, servers: object[]) => gateway('istio-system', name, servers)
    const http = server(80, 'HTTP', `shop.${domainA}`)
    await refused(shared('public-gateway', [http]), /your Gateway must be named kl-.*-trainee01-gateway/)
    await refused(shared(`${nsB}-gateway`, [http]), /your Gateway must be named/)
    await refused(
      shared(`${nsA}-gateway`, [server(80, 'HTTP', `shop.${traineeDomain(cohort, 'trainee02')}`)]),
      /Gateway hosts must be/,
    )
    await refused(
      shared(`${nsA}-gateway`, [server(traineeTcpPort(cohort, 'trainee01'), 'TCP', `redis.${domainA}`)]),
      /may open only port 80/,
    )
    const https = (credentialName: string) => ({
      ...server(443, 'HTTPS', `shop.${domainA}`),
      tls: { mode: 'SIMPLE', credentialName },
    })
    await refused(shared(`${nsA}-gateway`, [https(`${nsB}-tls`)]), /certificate only from your Secret/)
    await admitted(shared(`${nsA}-gateway`, [http, https(`${nsA}-tls`)]))
    // In their own namespace too, a Gateway takes only their certificate (not the class's others).
    await refused(gateway(nsA, 'shop-gateway', [https('hipster-credential')]), /certificate only from your Secret/)
    await admitted(gateway(nsA, 'shop-gateway', [https(`${nsA}-tls`)]))
    // RBAC: other Secrets of istio-system stay unreadable; B's own names are B's.
    const core = asA.makeApiClient(CoreV1Api)
    const read = await core
      .readNamespacedSecret({ name: 'istio-ca-secret', namespace: 'istio-system' })
      .catch((e: unknown) => e)
    expect((read as { code?: number }).code).toBe(403)
    const list = await core.listNamespacedSecret({ namespace: 'istio-system' }).catch((e: unknown) => e)
    expect((list as { code?: number }).code).toBe(403)
    const asB = await serviceAccountConfig(admin, nsB, 'trainee')
    await admitted(secret(`${nsB}-tls`, 'kubernetes.io/tls'), asB)
    // The platform itself (not a trainee) is not fenced: an instructor's own Secret goes in.
    await admitted(secret('hipster-credential', 'kubernetes.io/tls'), admin)
    // A real one, to see teardown take it away (last test).
    await KubernetesObjectApi.makeApiClient(asA).create(secret(`${nsA}-tls`, 'kubernetes.io/tls'))
    expect(await envs.leftovers(cohort)).toContain(`Secret istio-system/${nsA}-tls`)
  })

  it("admits the TCP step's variants too (each on the trainee's own host and port)", async () => {
    const vars = resolveVariables(lab.variables, {
      TRAINEE_DOMAIN: domainA,
      LEARNER_NAMESPACE: nsA,
      TRAINEE_TCP_PORT: String(traineeTcpPort(cohort, 'trainee01')),
    })
    const dir = join(packageRoot(), 'labs', 'istio-ingress', 'variants', '08-tcp')
    const files = (await readdir(dir)).filter((f) => f.endsWith('.yaml')).sort()
    expect(files.length).toBeGreaterThan(0)
    for (const file of files) {
      const text = substituteVariables(await readFile(join(dir, file), 'utf8'), vars)
      for (const doc of parseAllDocuments(text)) {
        const o = doc.toJS() as KubernetesObject
        await admitted({ ...o, metadata: { ...o.metadata, namespace: nsA } })
      }
    }
  })

  it(
    "adds each trainee's TCP port to the gateway Service; a second cohort (ports from the store) gets its own, fenced; teardown takes exactly those away",
    { timeout: 240_000 },
    async () => {
      const before = await gatewayPorts()
      expect(before).toEqual(expect.arrayContaining(['tcp-trainee-20001:20001', 'tcp-trainee-20002:20002']))
      expect(await envs.leftovers(cohort)).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^gateway port of kindlab-.*-port-trainee01 on Service/) as unknown,
        ]),
      )
      // The store holds both cohorts of this cluster: the first (this suite's) as provisioned
      // above, then a second one. Before issue 13 (c) the second's trainee01 got 20001 too, and
      // its TCP server would have taken the first's port (or lost its own).
      const dir = mkdtempSync(join(tmpdir(), 'kindlab-fence-store-'))
      const db = openDb(join(dir, 'kindlab.db'))
      try {
        const repo = createCohortsRepo(db)
        const create = (c: { name: string; domain: string }, seats: number) =>
          repo.create({
            id: c.name,
            name: c.name,
            labId: 'istio-ingress',
            mode: 'namespace',
            domain: c.domain,
            reserve: 0,
            offline: false,
            seats: Array.from({ length: seats }, (_, i) => ({
              traineeId: `trainee0${i + 1}`,
              joinHash: `${c.name}${i}`,
            })),
          })
        expect(create(cohort, 2).tcpPorts).toEqual({ trainee01: 20_001, trainee02: 20_002 })
        const second = create(cohortName('fence2'), 1)
        const port = second.tcpPorts['trainee01']
        expect(port).toBe(20_003)
        await envs.prepareShared(second)
        await envs.provision(second, 'trainee01')
        expect(await gatewayPorts()).toEqual([...before, `tcp-trainee-${port}:${port}`])
        // Its trainee's fence admits their own port and refuses the first cohort's trainee01's.
        const nsSecond = traineeNamespace(second, 'trainee01')
        const asSecond = await serviceAccountConfig(admin, nsSecond, 'trainee')
        const host = `redis.${traineeDomain(second, 'trainee01')}`
        await eventually("the second cohort's route fence to be in force", async () => {
          const o = await attempt(asSecond, gateway(nsSecond, 'theirs', [server(20_001, 'TCP', host)]))
          return o.admitted ? undefined : o
        })
        await refused(
          gateway(nsSecond, 'theirs', [server(20_001, 'TCP', host)]),
          new RegExp(`your TCP port ${port} \\(TCP or TLS\\)`),
          asSecond,
        )
        await admitted(gateway(nsSecond, 'own', [server(port ?? 0, 'TCP', host)]), asSecond)
        await envs.teardown(second)
      } finally {
        db.close()
        rmSync(dir, { recursive: true, force: true })
      }
      expect(await gatewayPorts()).toEqual(before)
      await envs.teardown(cohort)
      const after = await gatewayPorts()
      expect(after).toEqual(before.filter((p) => !['tcp-trainee-20001:20001', 'tcp-trainee-20002:20002'].includes(p)))
      expect(after).toContain('http2:80')
      // What the trainee wrote in istio-system went with the cohort.
      const gone = await admin
        .makeApiClient(CoreV1Api)
        .readNamespacedSecret({ name: `${nsA}-tls`, namespace: 'istio-system' })
        .catch((e: unknown) => e)
      expect((gone as { code?: number }).code).toBe(404)
    },
  )
})
