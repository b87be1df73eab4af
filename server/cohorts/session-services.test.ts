// A cohort trainee's Check reads only their own namespace and the few platform objects the lab
// needs: the analyzers never see, and no message names, another trainee's resources. A learner
// who is not a trainee keeps the server's whole view. Cluster-mode trainees read their own cluster.
import { describe, expect, it } from 'vitest'
import { prepareCheck } from '../checks/check-params.ts'
import { checkKinds } from '../checks/registry.ts'
import { runChecks } from '../checks/run-checks.ts'
import {
  inScope,
  namespacesFor,
  scopeSnapshot,
  type LiveCluster,
  type ResourceScope,
  type ResourceSnapshot,
  type ResourceSource,
} from '../checks/live-services.ts'
import type { CheckContext, GradingServices } from '../checks/types.ts'
import type { SessionRecord } from '../store/sessions-repo.ts'
import { traineeResourceScope } from './plan/rbac.ts'
import { servicesForSession } from './session-services.ts'

const A = 'kl-class-trainee01'
const B = 'kl-class-trainee02'

function vs(namespace: string, name: string, gateway: string, host: string): object {
  return {
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: { name, namespace },
    spec: { hosts: [host], gateways: [gateway], http: [{ route: [{ destination: { host: 'frontend' } }] }] },
  }
}

function gateway(namespace: string, name: string, host: string): object {
  return {
    apiVersion: 'networking.istio.io/v1',
    kind: 'Gateway',
    metadata: { name, namespace },
    spec: {
      selector: { istio: 'ingressgateway' },
      servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: [host] }],
    },
  }
}

/** The class cluster as the server's source sees it: A's working setup, B's broken one, the gateway. */
const cluster: unknown[] = [
  gateway(A, 'shop', 'hipster.trainee01.class.example'),
  vs(A, 'shop', 'shop', 'hipster.trainee01.class.example'),
  // B's VirtualService names a Gateway that does not exist (IST0101).
  vs(B, 'broken-b', 'no-such-gateway', 'hipster.trainee02.class.example'),
  { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'secret-answers', namespace: B }, data: { a: '1' } },
  // A platform VirtualService in istio-system with the same mistake: context for A, never A's finding.
  vs('istio-system', 'platform-broken', 'missing-platform-gateway', 'status.class.example'),
  {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'istio-ingressgateway', namespace: 'istio-system' },
    spec: { selector: { istio: 'ingressgateway' }, ports: [{ name: 'http2', port: 80, targetPort: 8080 }] },
  },
  {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'istio-ingressgateway-1', namespace: 'istio-system', labels: { istio: 'ingressgateway' } },
    spec: { containers: [{ name: 'istio-proxy', ports: [{ containerPort: 8080 }] }] },
  },
  {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'b-cert', namespace: 'istio-system' },
    data: { 'tls.crt': '' },
  },
  {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'frontend', namespace: A },
    spec: { selector: { app: 'frontend' }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] },
  },
]

/** A source over `objects` that scopes like the cluster adapter does (its filter is the pure one). */
function source(objects: unknown[], scope?: ResourceScope): ResourceSource & { scopes: ResourceScope[] } {
  const scopes: ResourceScope[] = []
  const self: ResourceSource & { scopes: ResourceScope[] } = {
    scopes,
    describe: () => (scope ? `cluster (namespace ${scope.own.join(', ')})` : 'cluster (all namespaces)'),
    list: () => {
      const all: ResourceSnapshot = { objects, origins: objects.map(() => ({})), problems: [] }
      return Promise.resolve(scope ? scopeSnapshot(all, scope) : all)
    },
    scoped: (next) => {
      scopes.push(next)
      return source(objects, next)
    },
  }
  return self
}

const live: LiveCluster = {
  describe: () => 'the class gateway',
  configDump: () => Promise.reject(new Error('not used')),
  httpProbe: () => Promise.reject(new Error('not used')),
  tcpProbe: () => Promise.reject(new Error('not used')),
  waitForEnvoy: () => Promise.reject(new Error('not used')),
}

function session(kind: string, vars: Record<string, string>): SessionRecord {
  return { id: 's', kind, displayName: undefined, workspaceDir: '/tmp', vars, createdAt: 0, lastSeenAt: 0 }
}

const options = { dataDir: '/data', blueprint: () => Promise.reject(new Error('not needed')) }

async function analyze(services: GradingServices, vars: Record<string, string>) {
  const context: CheckContext = {
    labId: 'istio-ingress',
    stepIndex: 0,
    workspaceDir: '/tmp',
    vars,
    runCommand: () => Promise.reject(new Error('not used')),
    readWorkspaceFile: () => Promise.resolve(undefined),
    services,
  }
  const [result] = await runChecks(checkKinds, {
    checks: [prepareCheck(checkKinds, { id: 'no-errors', kind: 'analyze' })],
    context,
    failuresBefore: () => 0,
  })
  return result
}

describe('a trainee’s grading scope', () => {
  const scope = traineeResourceScope(A, 'istio-system', 'hipster')

  it('is their namespace whole, and only the gateway’s and the shop’s Services, Pods and routing elsewhere', () => {
    expect(scope.own).toEqual([A])
    expect(namespacesFor(scope, 'VirtualService')).toEqual([A, 'istio-system', 'hipster'])
    // Secrets: their own, and in istio-system only their TLS Secret (the HTTPS step), by name.
    expect(namespacesFor(scope, 'Secret')).toEqual([A, 'istio-system'])
    expect(namespacesFor(scope, 'ConfigMap')).toEqual([A])
    expect(namespacesFor(scope, 'ServiceEntry')).toEqual([A])
    const kept = cluster
      .filter((o) => inScope(o, scope))
      .map((o) => {
        const m = (o as { kind: string; metadata: { namespace: string; name: string } }).metadata
        return `${(o as { kind: string }).kind} ${m.namespace}/${m.name}`
      })
    expect(kept).toEqual([
      `Gateway ${A}/shop`,
      `VirtualService ${A}/shop`,
      'VirtualService istio-system/platform-broken',
      'Service istio-system/istio-ingressgateway',
      'Pod istio-system/istio-ingressgateway-1',
      `Service ${A}/frontend`,
    ])
    expect(inScope({ kind: 'Namespace', metadata: { name: B } }, scope)).toBe(false)
  })

  it('sees their own TLS Secret in istio-system and no other Secret there', () => {
    const secret = (name: string) => ({ kind: 'Secret', metadata: { name, namespace: 'istio-system' } })
    expect(inScope(secret(`${A}-tls`), scope)).toBe(true)
    expect(inScope(secret(`${B}-tls`), scope)).toBe(false)
    expect(inScope(secret('istio-ca-secret'), scope)).toBe(false)
    expect(inScope(secret('hipster-credential'), scope)).toBe(false)
  })

  it('keeps a namespace-mode trainee’s analyzer findings to their own resources', async () => {
    const base = { resources: source(cluster), cluster: live }
    const vars = { TRAINEE_NAMESPACE: A, LEARNER_NAMESPACE: A, TRAINEE_ID: 'trainee01' }
    const services = servicesForSession(session('trainee', vars), base, options)
    expect(base.resources.scopes).toEqual([scope])
    const result = await analyze(services, vars)
    expect(result?.passed, result?.message).toBe(true)
    expect(JSON.stringify(result)).not.toContain(B)
    expect(result?.message).toContain(`namespace ${A}`)
    expect(JSON.stringify(result)).not.toContain('platform-broken')
    // The same mistake in A's own namespace is A's to fix.
    const own = source([...cluster, vs(A, 'broken-a', 'no-such-gateway', 'shop.trainee01.class.example')])
    const mine = await analyze(
      servicesForSession(session('trainee', vars), { resources: own, cluster: live }, options),
      vars,
    )
    expect(mine?.passed).toBe(false)
    expect(JSON.stringify(mine)).toContain('broken-a')
    expect(JSON.stringify(mine)).not.toContain('broken-b')
  })

  it('leaves a learner who is not a trainee with the whole cluster (and B’s broken VirtualService shows)', async () => {
    const base = { resources: source(cluster), cluster: live }
    const services = servicesForSession(session('learner', { TRAINEE_NAMESPACE: A }), base, options)
    expect(services).toBe(base)
    const result = await analyze(services, { LEARNER_NAMESPACE: 'default' })
    expect(result?.passed).toBe(false)
    expect(JSON.stringify(result)).toContain('broken-b')
  })

  it('keeps offline trainees on their own workspace files (a source that cannot be scoped)', () => {
    const files: ResourceSource = {
      describe: () => 'your workspace files',
      list: () => Promise.resolve({ objects: [], origins: [], problems: [] }),
    }
    const base = { resources: files }
    expect(servicesForSession(session('trainee', { TRAINEE_NAMESPACE: A }), base, options)).toBe(base)
    // Also a cluster-mode trainee whose cluster was never built (offline: only planned).
    const planned = { TRAINEE_NAMESPACE: 'kindlab-workspace', TRAINEE_CLUSTER: 'kl-class-trainee01' }
    expect(servicesForSession(session('trainee', planned), base, options)).toBe(base)
  })

  it('sends a cluster-mode trainee’s checks to their own cluster, and says so when it is not built', async () => {
    const base = { resources: source(cluster), cluster: live }
    const vars = { TRAINEE_NAMESPACE: 'kindlab-workspace', TRAINEE_CLUSTER: 'kl-class-trainee01' }
    const services = servicesForSession(session('trainee', vars), base, options)
    const { resources, cluster: gatewayOf } = services
    expect(resources.describe()).toContain('kind-kl-class-trainee01')
    expect(gatewayOf?.describe()).toContain('kl-class-trainee01')
    await expect(resources.list()).rejects.toThrow(/kl-class-trainee01 does not exist/)
    // Their own Kubernetes Gateway's proxy goes to their cluster too (loaded on first use).
    const proxy = gatewayOf?.proxy?.({
      gateway: 'kindlab-workspace/web',
      service: { namespace: 'kindlab-workspace', name: 'web-istio' },
    })
    expect(proxy?.describe()).toContain("Gateway kindlab-workspace/web's proxy in your kind cluster kl-class-trainee01")
    await expect(proxy?.configDump()).rejects.toThrow(/kl-class-trainee01 does not exist/)
    expect(base.resources.scopes).toEqual([])
  })
})
