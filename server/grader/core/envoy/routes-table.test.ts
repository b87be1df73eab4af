import { readFileSync, readdirSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { renderClustersTable } from './clusters-table.ts'
import { parseConfigDump } from './configdump.ts'
import { renderListenersTable } from './listeners-table.ts'
import { renderRoutesTable, sortLikeIstioctl } from './routes-table.ts'
import type { RouteConfiguration } from './types.ts'

const ownDir = new URL('../../../../test/fixtures/envoy/', import.meta.url)
const readOwnFixture = (name: string): string => readFileSync(new URL(name, ownDir), 'utf8')
const loadOwnJson = (name: string): unknown => JSON.parse(readOwnFixture(name)) as unknown
/** Captured gateway dumps from Istio's test data (see test/fixtures/envoy/captured/README.md). */
const sharedDir = new URL('../../../../test/fixtures/envoy/captured/', import.meta.url)
const readSharedFixture = (name: string): string => readFileSync(new URL(name, sharedDir), 'utf8')
const sharedCases = (): string[] =>
  readdirSync(sharedDir)
    .filter((f) => f.endsWith('.configdump.json'))
    .map((f) => f.replace('.configdump.json', ''))
    .sort()

describe('renderRoutesTable reproduces istioctl on captured gateway dumps', () => {
  it('finds the captured dumps', () => {
    expect(sharedCases().length).toBeGreaterThanOrEqual(3)
  })

  it.each(sharedCases())('%s', (name) => {
    const dump = parseConfigDump(JSON.parse(readSharedFixture(`${name}.configdump.json`)))
    const expected = readSharedFixture(`${name}.istioctl-pc-routes.txt`)
    expect(renderRoutesTable(dump.routeConfigs.map((e) => e.config))).toBe(expected)
  })
})

describe('tables for kindlab fixtures', () => {
  const boutique = parseConfigDump(loadOwnJson('gateway-boutique.configdump.json'))

  it.each([
    ['gateway-boutique', 'routes'],
    ['gateway-blackhole', 'routes'],
  ])('%s %s table', (name, table) => {
    const dump = parseConfigDump(loadOwnJson(`${name}.configdump.json`))
    expect(renderRoutesTable(dump.routeConfigs.map((e) => e.config))).toBe(readOwnFixture(`${name}.${table}.txt`))
  })

  it('renders the listeners table sorted by port, chains by destination', () => {
    expect(renderListenersTable(boutique.listeners)).toBe(readOwnFixture('gateway-boutique.listeners.txt'))
  })

  it('renders the clusters table sorted by host, subset, port', () => {
    expect(renderClustersTable(boutique.clusters)).toBe(readOwnFixture('gateway-boutique.clusters.txt'))
  })
})

function config(name: string): RouteConfiguration {
  return { name, virtual_hosts: [] }
}

describe('sortLikeIstioctl', () => {
  it('keeps named configs in dump order', () => {
    const names = sortLikeIstioctl([config('http.8080'), config(''), config('https.443.https.gw.default')]).map(
      (c) => c.name,
    )
    expect(names).toEqual(['http.8080', '', 'https.443.https.gw.default'])
  })

  it('orders adjacent numeric names but does not move them past a named config', () => {
    const names = sortLikeIstioctl([config('9080'), config('80'), config('x'), config('15010'), config('443')]).map(
      (c) => c.name,
    )
    expect(names).toEqual(['80', '9080', 'x', '443', '15010'])
  })
})

describe('renderRoutesTable rows', () => {
  it('skips PassthroughCluster routes and keeps the rest', () => {
    const text = renderRoutesTable([
      {
        name: '80',
        virtual_hosts: [
          {
            name: 'allow_any',
            domains: ['*'],
            routes: [
              { match: { prefix: '/' }, route: { cluster: 'PassthroughCluster' } },
              { match: { path: '/x' }, route: { cluster: 'outbound|80||x.default.svc.cluster.local' } },
            ],
          },
        ],
      },
    ])
    expect(text).toBe(
      'NAME     VHOST NAME     DOMAINS     MATCH     VIRTUAL SERVICE\n80       allow_any      *           /x        \n',
    )
  })
})
