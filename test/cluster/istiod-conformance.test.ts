// Conformance: for scenarios from the spec, the grader's predicted route configs and listeners
// (translate + fromApiObjects) equal what a real istiod generates for a gateway proxy, read from
// /debug/config_dump and compared with diffEnvoy; predicted clusters must exist in istiod's CDS.
// One namespace, gateway selector and proxy stream per scenario.
import { CoreV1Api, CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { diffEnvoy, type EnvoyDifference } from '../../server/grader/core/envoy/diff.ts'
import { parseConfigDump, toEnvoyView, type EnvoyView } from '../../server/grader/core/envoy/configdump.ts'
import { fromApiObjects, listenerSummaries, routeConfigurations, translate } from '../../server/grader/core/index.ts'
import { kubeConfig, testNamespace, uniqueName } from './cluster-client.ts'
import { configDump, holdGatewayStream, type XdsStream } from './istiod-client.ts'
import { poll } from './poll.ts'
import { protojsonToEnvoy } from './protojson.ts'
import { scenarios, type Scenario } from './istiod-scenarios.ts'

const group = 'networking.istio.io'
const version = 'v1'
const plurals: Record<string, string> = { Gateway: 'gateways', VirtualService: 'virtualservices' }
type K8sObject = { kind: string; metadata: { name: string; namespace: string } } & Record<string, unknown>

/** Creates an object and returns it as the API server stored it (creationTimestamp included). */
async function create(kc: KubeConfig, obj: K8sObject): Promise<unknown> {
  const namespace = obj.metadata.namespace
  if (obj.kind === 'Service') {
    const stored = await kc.makeApiClient(CoreV1Api).createNamespacedService({ namespace, body: obj })
    return { ...stored, apiVersion: 'v1', kind: 'Service' }
  }
  const plural = plurals[obj.kind]
  if (plural === undefined) {
    throw new Error(`no plural for ${obj.kind}`)
  }
  const api = kc.makeApiClient(CustomObjectsApi)
  return api.createNamespacedCustomObject({ group, version, namespace, plural, body: obj }) as Promise<unknown>
}

/** The grader's view for the proxy: its labels, in istio-system, no Service selecting it. */
function predict(objects: readonly unknown[], labels: Record<string, string>): EnvoyView {
  const t = translate(fromApiObjects(objects), {
    environment: { pod: { namespace: 'istio-system', labels, ip: '10.244.0.99', containerPorts: [] } },
  })
  return {
    listeners: listenerSummaries(t),
    routeConfigs: routeConfigurations(t),
    clusters: t.clusters,
    routeConfigVersions: {},
  }
}

function describeDiffs(diffs: readonly EnvoyDifference[]): string[] {
  return diffs.map((d) => `${d.kind} ${d.scope} ${d.location}${d.field ? ` [${d.field}]` : ''}: ${d.message}`)
}

describe('istiod conformance: grader prediction = istiod config_dump', () => {
  let kc: KubeConfig
  const namespaces: Array<{ remove: () => Promise<void> }> = []
  const streams: XdsStream[] = []

  beforeAll(() => {
    kc = kubeConfig()
  })
  afterAll(async () => {
    streams.forEach((s) => s.stop())
    await Promise.all(namespaces.map((n) => n.remove()))
  })

  async function run(scenario: Scenario): Promise<{ diffs: string[]; actual: EnvoyView; predicted: EnvoyView }> {
    const istiod = inject('istiod')
    if (!istiod) {
      throw new Error('istiod was not started (KINDLAB_CLUSTER_ISTIOD=0?)')
    }
    const ns = await testNamespace(kc, 'conf')
    namespaces.push(ns)
    const other = await testNamespace(kc, 'conf2')
    namespaces.push(other)
    const label = uniqueName('sel')
    const labels = { 'kindlab.dev/gateway': label }
    const stored: unknown[] = []
    for (const obj of scenario.objects({ ns: ns.name, other: other.name, selector: labels })) {
      stored.push(await create(kc, obj as K8sObject))
    }
    const predicted = predict(stored, labels)
    const stream = holdGatewayStream(istiod, `${label}-0`, labels)
    streams.push(stream)
    // Poll until the dump equals the prediction and shows the scenario's marker (a host of the
    // object created last, so istiod has seen them all); on the deadline the last diff is asserted.
    let last: { diffs: string[]; actual: EnvoyView } | undefined
    const settled = await poll(
      async () => {
        const dump = parseConfigDump(protojsonToEnvoy(await configDump(istiod, stream.proxyId)))
        const actual = toEnvoyView(dump)
        const diffs = describeDiffs(
          diffEnvoy(predicted, actual, { listeners: dump.has.listeners, clusters: dump.has.clusters }),
        )
        last = { diffs, actual }
        return diffs.length === 0 && JSON.stringify(actual).includes(scenario.marker) ? last : undefined
      },
      { what: `istiod config for ${scenario.name}`, timeoutMs: 15_000, intervalMs: 300 },
    ).catch(() => last)
    if (settled === undefined) {
      throw new Error(`no config_dump for ${scenario.name}`)
    }
    return { ...settled, predicted }
  }

  for (const scenario of scenarios) {
    const test = scenario.knownDifference === undefined ? it : it.fails
    test(scenario.name, async () => {
      const { diffs, actual, predicted } = await run(scenario)
      if (diffs.length > 0) {
        console.log(scenario.name, JSON.stringify({ predicted, actual }, null, 1))
      }
      expect(diffs).toEqual([])
      expect(JSON.stringify(actual)).toContain(scenario.marker)
    })
  }
})
