// The fast YAML subset reader must agree with the `yaml` package wherever it answers, and give up
// (undefined) wherever it cannot be sure: differential tests on fixtures, edge cases, and
// property tests over documents written by `yaml` itself.
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { LineCounter, parseAllDocuments, stringify } from 'yaml'
import { fastParseDocuments } from './fast-yaml.ts'

function viaYaml(text: string): Array<{ value: unknown; line: number | undefined }> {
  const lc = new LineCounter()
  return parseAllDocuments(text, { lineCounter: lc, uniqueKeys: true }).map((d) => ({
    value: d.contents === null ? undefined : (d.toJS() as unknown),
    line: d.contents === null ? undefined : lc.linePos(d.contents.range[0]).line,
  }))
}

function expectSame(text: string): void {
  const fast = fastParseDocuments(text)
  expect(fast, 'the fast reader gave up').toBeDefined()
  const slow = viaYaml(text)
  expect(fast!.map((d) => d.value ?? undefined)).toEqual(slow.map((d) => (d.value === null ? undefined : d.value)))
  fast!.forEach((d, i) => {
    if (slow[i]?.line !== undefined && d.value !== undefined) {
      expect(d.line).toBe(slow[i]?.line)
    }
  })
}

function yamlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name)
    return statSync(p).isDirectory() ? yamlFiles(p) : /\.ya?ml$/.test(name) ? [p] : []
  })
}

describe('agrees with the yaml package', () => {
  test.each(yamlFiles('test/fixtures/grader'))('%s', (file) => {
    expectSame(readFileSync(file, 'utf8'))
  })
  test.each<[string, string]>([
    [
      'scalars of the core schema',
      "a: 1\nb: -2\nc: 1.5\nd: true\ne: False\nf: ~\ng: null\nh: 0x1F\ni: 0o17\nj: .inf\nk: \"80\"\nl: 'it''s'\nm: 1e3\nn: 010\no: +5\np: v1.2\nq: 2024-01-01T00:00:00Z\n",
    ],
    ['quoted escapes', 'a: "tab\\there \\"q\\" \\u00e9 \\\\"\nb: \'single "x"\'\n'],
    ['sequences at the key indent and nested', 'a:\n- x\n- y: 1\n  z: [1, 2]\n- - nested\n  - list\nb: end\n'],
    ['flow collections across lines', 'a: [1, two,\n  "three", {k: v, n: null}]\nb: {x: [a, b], "y": "z", e: }\n'],
    ['comments everywhere', '# head\na: 1 # trailing\n# between\nb: "x # not a comment"\nc: a#b\n'],
    ['documents and prologs', '# prolog\n---\na: 1\n---\n---\n# only a comment\n---\nb: 2\n'],
    ['no marker, several docs', 'a: 1\n---\nb: 2\n'],
    ['empty values and urls', 'a:\nb: http://x.example.com:8080/path\nc: "*"\nd: [\'*\', "*.example.com"]\n'],
    [
      'keys with dashes, dots and slashes',
      'metadata:\n  labels:\n    app.kubernetes.io/name: x\n    experimental.istio.io/disable-gateway-port-translation: "true"\n  annotations: {"a/b": c}\n',
    ],
  ])('%s', (_name, text) => {
    expectSame(text)
  })
})

describe('gives up outside the subset', () => {
  test.each<[string, string]>([
    ['anchors and aliases', 'a: &x 1\nb: *x\n'],
    ['tags', 'a: !!str 1\n'],
    ['block scalars', 'a: |\n  text\n'],
    ['multi-line plain scalars', 'a: one\n  two\n'],
    ['duplicate keys', 'a: 1\na: 2\n'],
    ['tabs', 'a:\n\tb: 1\n'],
    ['complex keys', '? a\n: 1\n'],
    ['unterminated flow', 'a: [1, 2\n'],
    ['document end markers', 'a: 1\n...\n'],
    ['directives', '%YAML 1.2\n---\na: 1\n'],
    ['nested mapping in a compact value', 'a: b: c\n'],
  ])('%s', (_name, text) => {
    expect(fastParseDocuments(text)).toBeUndefined()
  })
})

const key = fc.stringMatching(/^[a-z][a-zA-Z0-9_./-]{0,10}$/)
const text = fc.oneof(
  fc.stringMatching(/^[a-zA-Z0-9 ./:*_-]{0,12}$/),
  fc.constantFrom('true', 'null', '80', '1.5', '*', '', ' x ', '- a', 'a: b', "it's", '#x', 'x #y'),
)
const leaf = fc.oneof(
  text,
  fc.integer({ min: -100000, max: 100000 }),
  fc.boolean(),
  fc.constant(null),
  fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }),
)
const tree = fc.letrec((tie) => ({
  node: fc.oneof({ depthSize: 'small' }, leaf, tie('list'), tie('map')),
  list: fc.array(tie('node'), { maxLength: 4 }),
  map: fc.dictionary(key, tie('node'), { maxKeys: 5 }),
})).map
const docTree = fc.dictionary(key, tree, { minKeys: 1, maxKeys: 5 })

describe('properties', () => {
  test('documents written by yaml (block style) read back identically, or the reader gives up', () => {
    fc.assert(
      fc.property(docTree, (obj) => {
        const out = fastParseDocuments(stringify(obj))
        return out === undefined || JSON.stringify(out[0]?.value) === JSON.stringify(obj)
      }),
      { numRuns: 150 },
    )
  })
  test('documents written by yaml (flow style) read back identically, or the reader gives up', () => {
    fc.assert(
      fc.property(docTree, (obj) => {
        const out = fastParseDocuments(stringify(obj, { collectionStyle: 'flow' }))
        return out === undefined || JSON.stringify(out[0]?.value) === JSON.stringify(obj)
      }),
      { numRuns: 150 },
    )
  })
  test('with ordinary strings the reader always answers, in both styles', () => {
    const safeLeaf = fc.oneof(
      fc.stringMatching(/^[a-z][a-z0-9.-]{0,10}$/),
      fc.integer({ min: 0, max: 70000 }),
      fc.boolean(),
    )
    const safeTree = fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: 'small' }, safeLeaf, tie('list'), tie('map')),
      list: fc.array(tie('node'), { minLength: 1, maxLength: 4 }),
      map: fc.dictionary(key, tie('node'), { minKeys: 1, maxKeys: 5 }),
    })).map
    fc.assert(
      fc.property(fc.dictionary(key, safeTree, { minKeys: 1, maxKeys: 5 }), (obj) =>
        [stringify(obj), stringify(obj, { collectionStyle: 'flow' }), stringify(obj, { indentSeq: false })].every(
          (t) => JSON.stringify(fastParseDocuments(t)?.[0]?.value) === JSON.stringify(obj),
        ),
      ),
      { numRuns: 150 },
    )
  })
  test('the reader answers for the usual Kubernetes-shaped documents', () => {
    fc.assert(
      fc.property(
        fc.dictionary(key, fc.oneof(fc.stringMatching(/^[a-z][a-z0-9-]{0,8}$/), fc.integer({ min: 1, max: 65535 })), {
          minKeys: 1,
          maxKeys: 6,
        }),
        (labels) => {
          const doc = stringify({
            apiVersion: 'v1',
            kind: 'Service',
            metadata: { name: 'x', labels },
            spec: { ports: [{ port: 80, targetPort: 8080 }] },
          })
          return fastParseDocuments(doc) !== undefined
        },
      ),
    )
  })
})
