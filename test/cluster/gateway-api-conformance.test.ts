// Gateway API conformance: for scenarios from gateway-api-semantics.md, the grader's prediction
// (gatewayApiFromObjects + fromApiObjects → analyzeGatewayApi) equals what a real istiod 1.31 with
// PILOT_ENABLE_GATEWAY_API=true does: the route configs and listeners it generates for the
// Gateway's proxy (read from /debug/config_dump, compared with diffEnvoy) and the status it
// writes on the Gateway and the routes. The Gateway API v1.6.0 CRDs come from the Go module at run
// time. The Gateways name their Service by address (unmanaged), so the proxy is a real Pod behind
// a real Service, and the deployment controller stays off.
import { CoreV1Api, CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseConfigDump, toEnvoyView, type EnvoyView } from '../../server/grader/core/envoy/configdump.ts'
import { diffEnvoy } from '../../server/grader/core/envoy/diff.ts'
import { analyzeGatewayApi } from '../../server/grader/core/gateway-api/analyze.ts'
import { gatewayApiFromObjects } from '../../server/grader/core/gateway-api/model.ts'
import type { Condition } from '../../server/grader/core/gateway-api/status.ts'
import { fromApiObjects } from '../../server/grader/core/index.ts'
import { eventually, kubeConfig, testNamespace, uniqueName } from './cluster-client.ts'
import { type GatewayApiIstiod, startGatewayApiIstiod } from './gateway-api-istiod.ts'
import { refScenarios } from './gateway-api-scenarios-refs.ts'
import { gwScenarios, type GwScenario } from './gateway-api-scenarios.ts'
import { configDump, holdProxyStream, type XdsStream } from './istiod-client.ts'
import type { IstiodEndpoints } from './istiod.ts'
import { poll } from './poll.ts'
import { protojsonToEnvoy } from './protojson.ts'

const group = 'gateway.networking.k8s.io'
const plurals: Record<string, { version: string; plural: string }> = {
  Gateway: { version: 'v1', plural: 'gateways' },
  HTTPRoute: { version: 'v1', plural: 'httproutes' },
  GRPCRoute: { version: 'v1', plural: 'grpcroutes' },
  TCPRoute: { version: 'v1', plural: 'tcproutes' },
  TLSRoute: { version: 'v1', plural: 'tlsroutes' },
  ReferenceGrant: { version: 'v1beta1', plural: 'referencegrants' },
}
type K8sObject = { kind: string; metadata: { name: string; namespace: string } } & Record<string, unknown>

/** What status comparison looks at: conditions without times and generations. */
type StatusView = Record<string, string[]>

function conditionLines(prefix: string, conditions: ReadonlyArray<Partial<Condition>> | undefined): string[] {
  return (conditions ?? []).map((c) => `${prefix} ${c.type}=${c.status}/${c.reason}: ${c.message}`)
}

describe('Gateway API conformance: grader prediction = istiod (routes and status)', () => {
  let kc: KubeConfig
  let istiod: IstiodEndpoints
  let gwIstiod: GatewayApiIstiod | undefined
  const namespaces: Array<{ remove: () => Promise<void> }> = []
  const streams: XdsStream[] = []
  const tally = { compared: 0, agreed: 0 }

  beforeAll(async () => {
    kc = kubeConfig()
    gwIstiod = await startGatewayApiIstiod(kc, 'gwapi')
    istiod = gwIstiod.istiod
  })
  afterAll(async () => {
    streams.forEach((s) => s.stop())
    await Promise.all(namespaces.map((n) => n.remove()))
    await gwIstiod?.stop()
    console.log(`Gateway API agreement with istiod: ${tally.agreed}/${tally.compared} compared items`)
  })

  async function create(obj: K8sObject): Promise<unknown> {
    const namespace = obj.metadata.namespace
    if (obj.kind === 'Service') {
      const stored = await kc.makeApiClient(CoreV1Api).createNamespacedService({ namespace, body: obj })
      return { ...stored, apiVersion: 'v1', kind: 'Service' }
    }
    if (obj.kind === 'Secret') {
      const stored = await kc.makeApiClient(CoreV1Api).createNamespacedSecret({ namespace, body: obj })
      return { ...stored, apiVersion: 'v1', kind: 'Secret' }
    }
    const p = plurals[obj.kind]
    if (p === undefined) {
      throw new Error(`no plural for ${obj.kind}`)
    }
    return kc.makeApiClient(CustomObjectsApi).createNamespacedCustomObject({
      group,
      version: p.version,
      namespace,
      plural: p.plural,
      body: obj,
    }) as Promise<unknown>
  }

  /**
   * The proxy: a Service and a Running Pod behind it; returns the pod's IP. Unmanaged: Service
   * `ingress` with the scenario's ports and selector `app`. Managed: the Service istiod's deployment
   * controller would create (`gw-istio`, status-port then the listener ports, selected by the
   * gateway-name label), created here because that controller is off.
   */
  async function proxy(
    ns: string,
    app: string,
    ports: ReadonlyArray<{ name: string; port: number; targetPort: number }>,
    managed: boolean,
  ): Promise<{ ip: string; labels: Record<string, string>; stored: unknown[] }> {
    const core = kc.makeApiClient(CoreV1Api)
    const labels: Record<string, string> = managed ? { 'gateway.networking.k8s.io/gateway-name': 'gw' } : { app }
    const svc = await create({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: managed ? 'gw-istio' : 'ingress', namespace: ns },
      spec: { selector: labels, ports: [...ports] },
    })
    await core.createNamespacedPod({
      namespace: ns,
      body: {
        metadata: { name: 'ingress-0', labels },
        spec: {
          containers: [
            {
              name: 'proxy',
              image: 'registry.k8s.io/pause:3.10',
              ports: ports.map((p) => ({ containerPort: p.targetPort })),
            },
          ],
        },
      },
    })
    const pod = await eventually('a Running proxy pod with an IP', async () => {
      const p = await core.readNamespacedPod({ name: 'ingress-0', namespace: ns })
      return p.status?.phase === 'Running' && p.status.podIP ? p : undefined
    })
    return { ip: pod.status?.podIP ?? '', labels, stored: [svc] }
  }

  async function actualStatus(scenario: GwScenario, ns: string, other: string): Promise<StatusView> {
    const api = kc.makeApiClient(CustomObjectsApi)
    const out: StatusView = {}
    for (const ref of scenario.statusOf({ ns, other })) {
      const p = plurals[ref.kind]!
      const obj = (await api.getNamespacedCustomObject({
        group,
        version: p.version,
        namespace: ref.namespace,
        plural: p.plural,
        name: ref.name,
      })) as { status?: Record<string, unknown> }
      const key = `${ref.kind} ${ref.namespace === ns ? 'ns' : 'other'}/${ref.name}`
      const st = obj.status ?? {}
      if (ref.kind === 'Gateway') {
        const listeners = (st['listeners'] ?? []) as Array<{
          name: string
          attachedRoutes: number
          supportedKinds: Array<{ kind: string }>
          conditions: Condition[]
        }>
        // istiod merges a listener's conditions over its earlier writes: a ResolvedRefs=True written
        // before it saw the listener's conflict stays or not, by the order of informer events. Only
        // that leftover is set aside; every condition istiod decided for the conflict is compared.
        const settled = (l: { conditions: Condition[] }): Condition[] =>
          l.conditions.some((c) => c.type === 'Conflicted' && c.status === 'True')
            ? l.conditions.filter((c) => !(c.type === 'ResolvedRefs' && c.status === 'True'))
            : l.conditions
        out[key] = [
          ...conditionLines('', st['conditions'] as Condition[]),
          ...listeners.flatMap((l) => [
            `listener ${l.name} attachedRoutes=${l.attachedRoutes} kinds=${l.supportedKinds.map((k) => k.kind).join(',')}`,
            ...conditionLines(`listener ${l.name}`, settled(l)),
          ]),
        ]
      } else {
        const parents = (st['parents'] ?? []) as Array<{
          controllerName: string
          parentRef: { name: string; sectionName?: string }
          conditions: Condition[]
        }>
        out[key] = parents
          .filter((p) => p.controllerName === 'istio.io/gateway-controller')
          .flatMap((p) => conditionLines(`parent ${p.parentRef.name}/${p.parentRef.sectionName ?? ''}`, p.conditions))
      }
    }
    return out
  }

  function predictedStatus(
    result: ReturnType<typeof analyzeGatewayApi>,
    scenario: GwScenario,
    ns: string,
    other: string,
  ): StatusView {
    const out: StatusView = {}
    for (const ref of scenario.statusOf({ ns, other })) {
      const key = `${ref.kind} ${ref.namespace === ns ? 'ns' : 'other'}/${ref.name}`
      if (ref.kind === 'Gateway') {
        const g = result.conversion.status.gateways.find(
          (x) => x.resource.name === ref.name && x.resource.namespace === ref.namespace,
        )
        out[key] = [
          ...conditionLines('', g?.conditions),
          ...(g?.listeners ?? []).flatMap((l) => [
            `listener ${l.name} attachedRoutes=${l.attachedRoutes} kinds=${l.supportedKinds.map((k) => k.kind).join(',')}`,
            ...conditionLines(`listener ${l.name}`, l.conditions),
          ]),
        ]
      } else {
        const r = result.conversion.status.routes.find(
          (x) => x.resource.kind === ref.kind && x.resource.name === ref.name && x.resource.namespace === ref.namespace,
        )
        out[key] = (r?.parents ?? []).flatMap((p) =>
          conditionLines(`parent ${p.parentRef.name}/${p.parentRef.sectionName ?? ''}`, p.conditions),
        )
      }
    }
    return out
  }

  for (const scenario of [...gwScenarios, ...refScenarios]) {
    it(scenario.name, async () => {
      const nsA = await testNamespace(kc, 'gwapi')
      const nsB = await testNamespace(kc, 'gwapi2')
      namespaces.push(nsA, nsB)
      const ns = nsA.name
      const other = nsB.name
      const app = uniqueName('proxy')
      const px = await proxy(
        ns,
        app,
        scenario.proxyPorts ?? [{ name: 'http', port: 80, targetPort: 8080 }],
        scenario.managed === true,
      )
      const stored: unknown[] = [...px.stored]
      for (const obj of scenario.objects({ ns, other })) {
        stored.push(await create(obj as K8sObject))
      }
      const result = analyzeGatewayApi({
        classic: fromApiObjects(stored),
        gatewayApi: gatewayApiFromObjects(stored),
        gateway: `${ns}/gw`,
      })
      const predicted: EnvoyView = {
        listeners: result.listeners,
        routeConfigs: result.routeConfigs,
        clusters: result.clusters,
        routeConfigVersions: {},
      }
      const stream = holdProxyStream(istiod, { pod: 'ingress-0', namespace: ns, ip: px.ip, labels: px.labels })
      streams.push(stream)
      let lastDiffs: string[] = []
      let lastActual: EnvoyView | undefined
      await poll(
        async () => {
          const dump = parseConfigDump(protojsonToEnvoy(await configDump(istiod, stream.proxyId)))
          const actual = toEnvoyView(dump)
          lastActual = actual
          lastDiffs = diffEnvoy(predicted, actual, { listeners: dump.has.listeners, clusters: dump.has.clusters }).map(
            (d) => `${d.kind} ${d.scope} ${d.location}${d.field ? ` [${d.field}]` : ''}: ${d.message}`,
          )
          return lastDiffs.length === 0 && JSON.stringify(actual).includes(scenario.marker) ? true : undefined
        },
        { what: `istiod config for ${scenario.name}`, timeoutMs: 20_000, intervalMs: 300 },
      ).catch(() => undefined)
      const wantStatus = predictedStatus(result, scenario, ns, other)
      let gotStatus: StatusView = {}
      await poll(
        async () => {
          gotStatus = await actualStatus(scenario, ns, other)
          return JSON.stringify(gotStatus) === JSON.stringify(wantStatus) ? true : undefined
        },
        { what: `istiod status for ${scenario.name}`, timeoutMs: 20_000, intervalMs: 500 },
      ).catch(() => undefined)
      const statusKeys = Object.keys(wantStatus)
      const statusAgreed = statusKeys.filter(
        (k) => JSON.stringify(wantStatus[k]) === JSON.stringify(gotStatus[k]),
      ).length
      const routeNames = Object.keys(predicted.routeConfigs)
      tally.compared += statusKeys.length + routeNames.length + predicted.listeners.length
      tally.agreed += statusAgreed + (lastDiffs.length === 0 ? routeNames.length + predicted.listeners.length : 0)
      if (statusAgreed < statusKeys.length) {
        console.log(scenario.name, 'status', JSON.stringify({ predicted: wantStatus, actual: gotStatus }, null, 1))
      }
      if (lastDiffs.length > 0) {
        console.log(scenario.name, JSON.stringify({ predicted, actual: lastActual }, null, 1))
      }
      expect(lastDiffs).toEqual([])
      expect(JSON.stringify(lastActual)).toContain(scenario.marker)
      expect(gotStatus).toEqual(wantStatus)
    })
  }
})
