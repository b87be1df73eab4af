import { readFileSync, readdirSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import type { ResourceModel } from '../core/model/index.ts'
import type { Analyzer, AnalyzerInput } from './analyzer.ts'
import { allAnalyzers } from './all.ts'
import { gateway, httpServer, ingressGatewayWorkload, modelOf } from './analyzers.test-helper.ts'
import { allMessages } from './messages.ts'

const docsPath = new URL('../../../docs/grader-messages.md', import.meta.url)

/** Rows of the "Grader messages" table: code → [name, level]. */
function documentedMessages(): Map<string, [string, string]> {
  const text = readFileSync(docsPath, 'utf8')
  const section = text.split('## Grader messages')[1]?.split('\n## ')[0] ?? ''
  const rows = section.split('\n').filter((l) => /^\| (IST|GRD)\d{4} \|/.test(l))
  return new Map(
    rows.map((row) => {
      const [code = '', name = '', level = ''] = row
        .split('|')
        .slice(1)
        .map((c) => c.trim())
      return [code, [name, level]]
    }),
  )
}

/** Every `export const x: Analyzer` in this folder, found by importing the analyzer files. */
async function analyzersInFolder(): Promise<Analyzer[]> {
  const files = readdirSync(new URL('.', import.meta.url)).filter(
    (f) => /^(gateway|schema|virtualservice)-[a-z-]+\.ts$/.test(f) && !f.endsWith('.test.ts'),
  )
  const modules = await Promise.all(files.map((f) => import(`./${f}`) as Promise<Record<string, unknown>>))
  return modules.flatMap((m) =>
    Object.values(m).filter((v): v is Analyzer => typeof v === 'object' && v !== null && 'meta' in v && 'analyze' in v),
  )
}

describe('analyzer registry', () => {
  const ids = allAnalyzers.map((a) => a.meta.id)

  it('is sorted by id, with unique ids in <resource>.<check> form', () => {
    expect([...ids].sort()).toEqual(ids)
    expect(new Set(ids).size).toBe(ids.length)
    for (const id of ids) {
      expect(id).toMatch(/^[a-z]+\.[a-z]+(-[a-z]+)*$/)
    }
  })

  it('registers every analyzer in the folder exactly once', async () => {
    const found = await analyzersInFolder()
    expect(found.length).toBe(allAnalyzers.length)
    expect(new Set(found)).toEqual(new Set(allAnalyzers))
  })

  it('gives each analyzer a description, an istioctl name, inputs and codes', () => {
    for (const { meta } of allAnalyzers) {
      expect(meta.description.length, meta.id).toBeGreaterThan(20)
      expect(meta.istioName, meta.id).toMatch(/^[a-z]+\.[A-Z][A-Za-z]+(\.[A-Za-z]+)?$/)
      expect(meta.inputs.length, meta.id).toBeGreaterThan(0)
      expect(meta.codes.length, meta.id).toBeGreaterThan(0)
    }
  })
})

describe('message catalog and docs/grader-messages.md', () => {
  const catalog = new Map(allMessages.map((m) => [m.code, m]))
  const documented = documentedMessages()

  it('has a catalog entry for every code an analyzer declares', () => {
    for (const { meta } of allAnalyzers) {
      for (const code of meta.codes) {
        expect(catalog.has(code), `${meta.id} declares ${code}`).toBe(true)
      }
    }
  })

  it('documents every catalog code with its name and level', () => {
    for (const m of allMessages) {
      expect(documented.get(m.code), m.code).toEqual([m.name, m.level])
    }
  })

  it('documents no code the grader does not have', () => {
    expect([...documented.keys()].sort()).toEqual([...catalog.keys()].sort())
  })

  it('uses every catalog code (in an analyzer, IST0106 from the model, IST0171 from Gateway API status)', () => {
    const used = new Set(['IST0106', 'IST0171', ...allAnalyzers.flatMap((a) => a.meta.codes)])
    expect([...catalog.keys()].filter((c) => !used.has(c))).toEqual([])
  })

  it('lists every analyzer in the docs', () => {
    const text = readFileSync(docsPath, 'utf8')
    for (const { meta } of allAnalyzers) {
      expect(text).toContain(`\`${meta.id}\``)
      expect(text).toContain(`\`${meta.istioName}`)
    }
  })
})

/** A model that exercises every analyzer's reads, wrapped to record which lists are touched. */
function recordingModel(model: ResourceModel): { model: ResourceModel; read: Set<string> } {
  const read = new Set<string>()
  const proxy = new Proxy(model, {
    get(target, key, receiver) {
      if (typeof key === 'string') {
        read.add(key)
      }
      return Reflect.get(target, key, receiver) as unknown
    },
  })
  return { model: proxy, read }
}

const richYaml = `${ingressGatewayWorkload}---
${gateway('shop-gateway', 'default', httpServer(['shop.example.com']))}
${gateway('edge', 'default', httpServer(['shop.example.com']), '{istio: ingressgateway, app: istio-ingressgateway}')}
apiVersion: v1
kind: Service
metadata: {name: frontend, namespace: default}
spec: {selector: {app: frontend}, ports: [{name: http, port: 80}]}
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: ext, namespace: default}
spec: {hosts: [api.ext.example], ports: [{number: 443, name: https, protocol: TLS}], resolution: DNS}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: shop, namespace: default}
spec:
  hosts: [shop.example.com]
  gateways: [shop-gateway]
  http:
  - route: [{destination: {host: frontend}}]
`

describe('analyzer inputs', () => {
  it.each(allAnalyzers.map((a) => [a.meta.id, a] as const))(
    '%s reads exactly the model lists it declares',
    (_id, analyzer) => {
      const { model, read } = recordingModel(modelOf(richYaml))
      analyzer.analyze(model)
      const lists: AnalyzerInput[] = ['gateways', 'virtualServices', 'serviceEntries', 'services', 'pods', 'rejected']
      expect(lists.filter((l) => read.has(l)).sort()).toEqual([...analyzer.meta.inputs].sort())
    },
  )
})
