// The fast YAML subset reader must agree with the `yaml` package wherever it answers, on values
// and on the line of every block map key and sequence item, and give up (undefined) wherever it
// cannot be sure: differential tests on fixtures, edge cases, and property tests over documents
// written by `yaml` itself and over generated Kubernetes-shaped documents in many styles.
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { LineCounter, isMap, isScalar, isSeq, parseAllDocuments, stringify } from 'yaml'
import { fastParseDocuments, lineAt } from './fast-yaml.ts'

type Segment = string | number

interface YamlDoc {
  value: unknown
  line: number | undefined
  contents: unknown
  errors: boolean
}

function viaYaml(text: string): { docs: YamlDoc[]; lines: LineCounter } {
  const lines = new LineCounter()
  const docs = parseAllDocuments(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false })
  return {
    lines,
    docs: (Array.isArray(docs) ? docs : []).map((d) => ({
      value: d.contents === null || d.errors.length > 0 ? undefined : (d.toJS() as unknown),
      line: d.contents === null ? undefined : lines.linePos(d.contents.range[0]).line,
      contents: d.contents,
      errors: d.errors.length > 0,
    })),
  }
}

/** Every path into a value, the empty one included. */
function pathsOf(value: unknown, prefix: Segment[] = [], out: Segment[][] = []): Segment[][] {
  out.push(prefix)
  if (Array.isArray(value)) {
    value.forEach((item, i) => pathsOf(item, [...prefix, i], out))
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      pathsOf(v, [...prefix, k], out)
    }
  }
  return out
}

/**
 * What lineAt must answer, from `yaml`'s nodes: the line where the value of the deepest block map
 * entry or block sequence item on the path starts (entries of flow collections have none).
 */
function expectedLine(contents: unknown, path: Segment[], lines: LineCounter): number | undefined {
  let node = contents
  let line: number | undefined
  for (const seg of path) {
    let next: { range?: [number, number, number] | null } | null | undefined
    if (isMap(node) && !node.flow) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(seg))
      next = pair?.value as typeof next
    } else if (isSeq(node) && !node.flow) {
      next = node.items[Number(seg)] as typeof next
    }
    if (next?.range == null) {
      break
    }
    line = lines.linePos(next.range[0]).line
    node = next
  }
  return line
}

/** Undefined when the fast reader gave up; otherwise a list of disagreements with `yaml`. */
function disagreements(text: string): string[] | undefined {
  const fast = fastParseDocuments(text)
  if (fast === undefined) {
    return undefined
  }
  const slow = viaYaml(text)
  if (slow.docs.some((d) => d.errors)) {
    return ['the fast reader answered where yaml reports an error']
  }
  if (fast.length !== slow.docs.length) {
    return [`${fast.length} documents instead of ${slow.docs.length}`]
  }
  const out: string[] = []
  fast.forEach((doc, i) => {
    const want = slow.docs[i]!
    try {
      expect(doc.value ?? null).toEqual(want.value ?? null)
    } catch {
      out.push(`document ${i}: ${JSON.stringify(doc.value)} instead of ${JSON.stringify(want.value)}`)
      return
    }
    if (doc.value !== undefined && want.line !== undefined && doc.line !== want.line) {
      out.push(`document ${i} starts on line ${doc.line} instead of ${want.line}`)
    }
    for (const path of pathsOf(doc.value)) {
      const got = lineAt(doc, path)
      const expected = expectedLine(want.contents, path, slow.lines)
      if (got !== expected) {
        out.push(`document ${i}, ${JSON.stringify(path)}: line ${got} instead of ${expected}`)
      }
    }
  })
  return out
}

function expectSame(text: string): void {
  const problems = disagreements(text)
  expect(problems, 'the fast reader gave up').toBeDefined()
  expect(problems).toEqual([])
}

function yamlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name)
    return statSync(p).isDirectory() ? yamlFiles(p) : /\.ya?ml$/.test(name) ? [p] : []
  })
}

describe('agrees with the yaml package, values and lines', () => {
  test.each(yamlFiles('test/fixtures/grader'))('%s', (file) => {
    expectSame(readFileSync(file, 'utf8'))
  })
  test.each<[string, string]>([
    [
      'scalars of the core schema',
      "a: 1\nb: -2\nc: 1.5\nd: true\ne: False\nf: ~\ng: null\nh: 0x1F\ni: 0o17\nj: .inf\nk: \"80\"\nl: 'it''s'\nm: 1e3\nn: 010\no: +5\np: v1.2\nq: 2024-01-01T00:00:00Z\n",
    ],
    [
      'more numbers',
      'a: -.INF\nb: .NaN\nc: +.5\nd: 1.\ne: -0\nf: 0o8\ng: 0xg\nh: 1_000\ni: 12:30\nj: [1, -1, 0x10, 1e-3]\n',
    ],
    [
      'words that are not null or booleans',
      'a: nULL\nb: yes\nc: no\nd: on\ne: tRUE\nf: Nope\ng: nulls\nh: [n, t, f, N, T, F]\n',
    ],
    ['quoted escapes', 'a: "tab\\there \\"q\\" \\u00e9 \\\\"\nb: \'single "x"\'\nc: "\\x41\\U0001F600\\/\\ \\N\\_"\n'],
    ['sequences at the key indent and nested', 'a:\n- x\n- y: 1\n  z: [1, 2]\n- - nested\n  - list\nb: end\n'],
    ['items on the next line', 'a:\n  -\n    b: 1\n  -\n  - - x\n    -\n      - y\nc:\n\n  d: 2\n'],
    ['flow collections across lines', 'a: [1, two,\n  "three", {k: v, n: null}]\nb: {x: [a, b], "y": "z", e: }\n'],
    ['flow details', 'a: {b, "c": d, e:f, g: [h, {i: j}], k: }\nb: ["x", [], {}, \'y\']\nc: [ ]\nd: {"q":x}\n'],
    ['flow at the top', '[a, {b: c},\n d]\n'],
    [
      'comments everywhere',
      '# head\na: 1 # trailing\n# between\nb: "x # not a comment"\nc: a#b\nd: [x, y] # c\ne: {f: g}   # c\n',
    ],
    ['documents and prologs', '# prolog\n---\na: 1\n---\n---\n# only a comment\n---\nb: 2\n'],
    ['no marker, several docs', 'a: 1\n---\nb: 2\n--- # a comment\nc: 3\n'],
    ['documents that are not maps', '- a\n- b\n---\nplain\n---\n"quoted"\n---\n[x]\n'],
    ['empty values and urls', 'a:\nb: http://x.example.com:8080/path\nc: "*"\nd: [\'*\', "*.example.com"]\ne:   \n'],
    [
      'keys with dashes, dots and slashes',
      'metadata:\n  labels:\n    app.kubernetes.io/name: x\n    experimental.istio.io/disable-gateway-port-translation: "true"\n  annotations: {"a/b": c}\n-x: 1\n"q k": 2\n\'s\': 3\n',
    ],
    ['blank lines and deeper nesting', 'a:\n\n  b:\n\n\n    c: 1\n\n  d:\n    - e\n\n    - f: [1]\n      g: 2\n'],
  ])('%s', (_name, text) => {
    expectSame(text)
  })
})

describe('characters that are content for both readers', () => {
  // Control characters, Unicode spaces and the like are plain content to `yaml` (only tabs,
  // carriage returns and a leading byte order mark are not, and the reader gives up on those).
  const chars = [0x01, 0x08, 0x0b, 0x0c, 0x1b, 0x1f, 0x7f, 0x85, 0x9f, 0xa0, 0x2000, 0x3000, 0xfffe, 0xe9]
  const templates = [
    'a: xCy\n',
    'a: xC\n',
    'a: C\n',
    'a: "xC"\n',
    'aC: 1\n',
    'a: [C, xC]\n',
    'a: {k: C}\n',
    'a: 1 #C\n',
    '- C\n',
  ]
  test.each(chars.map((c) => [c.toString(16), String.fromCharCode(c)]))('U+%s', (_hex, ch) => {
    for (const template of templates) {
      expectSame(template.replaceAll('C', ch))
    }
  })
})

describe('lineAt', () => {
  const text = [
    'apiVersion: v1', // 1
    'kind: VirtualService', // 2
    'metadata: {name: x, namespace: y}', // 3
    'spec:', // 4
    '  hosts: [a, b]', // 5
    '  http:', // 6
    '  - match:', // 7
    '    - uri: {prefix: /a}', // 8
    '    - uri: {prefix: /b}', // 9
    '    route: [{destination: {host: x}}]', // 10
    '  -', // 11
    '    route:', // 12
    '    - destination: {host: y}', // 13
  ].join('\n')
  const doc = fastParseDocuments(text)![0]!
  test.each<[Segment[], number | undefined]>([
    [[], undefined],
    [['kind'], 2],
    [['metadata', 'name'], 3],
    [['spec'], 5],
    [['spec', 'hosts', 1], 5],
    [['spec', 'http'], 7],
    [['spec', 'http', 0], 7],
    [['spec', 'http', 0, 'match', 1], 9],
    [['spec', 'http', 0, 'match', '1'], 9],
    [['spec', 'http', 0, 'match', 1, 'uri', 'prefix'], 9],
    [['spec', 'http', 0, 'route', 0, 'destination'], 10],
    [['spec', 'http', 1], 12],
    [['spec', 'http', 1, 'route', 0], 13],
    [['spec', 'http', 2], 7],
    [['spec', 'http', 'length'], 7],
    [['spec', 'nope', 'x'], 5],
    [['nope'], undefined],
  ])('%j → %s', (path, line) => {
    // Where a segment is missing, the line is that of the deepest existing parent.
    expect(lineAt(doc, path)).toBe(line)
  })
})

describe('gives up outside the subset', () => {
  test.each<[string, string]>([
    ['anchors and aliases', 'a: &x 1\nb: *x\n'],
    ['tags', 'a: !!str 1\n'],
    ['block scalars', 'a: |\n  text\n'],
    ['folded block scalars', 'a: >-\n  text\n'],
    ['multi-line plain scalars', 'a: one\n  two\n'],
    ['multi-line plain scalars in a sequence', '- one\n  two\n'],
    ['multi-line plain scalars in flow', 'a: [one\n  two]\n'],
    ['multi-line quoted scalars in flow', 'a: ["one\n  two"]\n'],
    ['multi-line quoted scalars', 'a: "one\n  two"\n'],
    ['duplicate keys', 'a: 1\na: 2\n'],
    ['duplicate keys in flow', 'a: {b: 1, b: 2}\n'],
    ['duplicate keys, one quoted', 'a: 1\n"a": 2\n'],
    ['a __proto__ key', '__proto__: 1\n'],
    ['a quoted __proto__ key', 'a: {"__proto__": {x: 1}}\n'],
    ['tabs', 'a:\n\tb: 1\n'],
    ['carriage returns', 'a: 1\r\nb: 2\r\n'],
    ['a byte order mark', '\ufeffa: 1\n'],
    ['a line separator', 'a: "\\\u2028"\n'],
    ['complex keys', '? a\n: 1\n'],
    ['non-string keys', '1: a\n'],
    ['boolean keys', 'true: a\n'],
    ['unterminated flow', 'a: [1, 2\n'],
    ['flow continued at the parent indentation', 'a: [1,\n2]\n'],
    ['empty flow entries', 'a: [a, , b]\n'],
    ['a lone comma in flow', 'a: [,]\n'],
    ['a dash alone as a value', 'a: -\n'],
    ['a flow scalar starting with #', 'a: [#x]\n'],
    ['a flow key starting with #', 'a: {b: 1,#c: 2}\n'],
    ['a bad escape', 'a: "\\q"\n'],
    ['an escape beyond Unicode', 'a: "\\UFFFFFFFF"\n'],
    ['document end markers', 'a: 1\n...\n'],
    ['directives', '%YAML 1.2\n---\na: 1\n'],
    ['content after a document marker', '--- a\n'],
    ['nested mapping in a compact value', 'a: b: c\n'],
    ['a key ending a value', 'a: b:\n'],
    ['more indented lines after a key', 'a: 1\n  b: 2\n'],
    ['a sequence inside a map at the wrong place', 'a: 1\n- b\n'],
    ['text after a flow collection', 'a: [x] y\n'],
    ['text after a quoted scalar', 'a: "x" y\n'],
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

describe('properties: documents written by yaml', () => {
  test('block style reads back identically, or the reader gives up', () => {
    fc.assert(
      fc.property(docTree, (obj) => {
        const out = fastParseDocuments(stringify(obj))
        return out === undefined || JSON.stringify(out[0]?.value) === JSON.stringify(obj)
      }),
      { numRuns: 150 },
    )
  })
  test('flow style reads back identically, or the reader gives up', () => {
    fc.assert(
      fc.property(docTree, (obj) => {
        const out = fastParseDocuments(stringify(obj, { collectionStyle: 'flow' }))
        return out === undefined || JSON.stringify(out[0]?.value) === JSON.stringify(obj)
      }),
      { numRuns: 150 },
    )
  })
  test('with ordinary strings the reader always answers, in both styles, with the lines of yaml', () => {
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
          (t) =>
            JSON.stringify(fastParseDocuments(t)?.[0]?.value) === JSON.stringify(obj) && disagreements(t)?.length === 0,
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

// Kubernetes-shaped documents written in the styles people use: block maps, indented and
// indentless sequences, compact `- key: value` items, flow maps and lists (some over several
// lines), quoted and plain scalars, comments and blank lines, several documents per text.
type Shape =
  | { kind: 'scalar'; text: string }
  | { kind: 'map'; flow: boolean; entries: Array<[string, Shape]> }
  | { kind: 'seq'; flow: boolean; items: Shape[] }

const k8sKey = fc.oneof(
  fc.constantFrom('apiVersion', 'kind', 'metadata', 'name', 'namespace', 'spec', 'hosts', 'http', 'match', 'route'),
  fc.constantFrom('destination', 'host', 'port', 'number', 'subset', 'weight', 'uri', 'prefix', 'exact', 'tls', 'mode'),
  fc.constantFrom('app.kubernetes.io/name', 'istio.io/rev', 'x-canary', 'targetPort', '"quoted key"', "'single'"),
  fc.stringMatching(/^[a-z][a-zA-Z0-9./-]{0,8}$/),
)
const k8sScalar = fc.oneof(
  { weight: 3, arbitrary: fc.stringMatching(/^[a-z][a-z0-9-]{0,6}(\.[a-z][a-z0-9-]{0,6}){0,3}$/) },
  fc.constantFrom('/api', '/', '*', '*.example.com', 'HTTP', 'HTTPS', 'v1', 'networking.istio.io/v1', 'a b'),
  fc.constantFrom('"*"', "'*'", '"80"', '"true"', "'it''s'", '"a \\"b\\""', '""', "''", '"x # y"', '"é"', 'é'),
  fc.constantFrom('true', 'false', 'True', 'null', '~', 'Null', '0', '-1', '+1', '010', '1.5', '.5', '1e3', '0x1F'),
  fc.constantFrom('.inf', '-.Inf', '.nan', 'http://x.example.com:8080/a', 'a:b', 'a#b', '-x', '?x', ':x', '1.2.3'),
  fc.integer({ min: 0, max: 65535 }).map(String),
)
const shape: fc.Arbitrary<Shape> = fc.letrec<{ node: Shape; map: Shape; seq: Shape }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small' },
    { weight: 3, arbitrary: k8sScalar.map((t): Shape => ({ kind: 'scalar', text: t })) },
    tie('map'),
    tie('seq'),
  ),
  map: fc
    .record({
      flow: fc.boolean(),
      entries: fc.uniqueArray(fc.tuple(k8sKey, tie('node')), { minLength: 1, maxLength: 4, selector: ([k]) => k }),
    })
    .map((r): Shape => ({ kind: 'map', ...r })),
  seq: fc
    .record({ flow: fc.boolean(), items: fc.array(tie('node'), { minLength: 1, maxLength: 3 }) })
    .map((r): Shape => ({ kind: 'seq', ...r })),
})).node

/** Random layout choices: a stream of numbers consumed while writing. */
class Style {
  private i = 0
  constructor(private readonly picks: number[]) {}
  pick(n: number): number {
    const v = this.picks[this.i++ % this.picks.length] ?? 0
    return v % n
  }
}

function flowText(node: Shape, style: Style, cont: string): string {
  if (node.kind === 'scalar') {
    return node.text
  }
  const sep = (): string => [', ', ',', ' , ', `,\n${cont}`][style.pick(4)]!
  const sp = (): string => ['', ' '][style.pick(2)]!
  // Block nodes inside a flow collection are written in flow style too.
  if (node.kind === 'seq') {
    return `[${sp()}${node.items.map((n) => flowText(n, style, cont)).join(sep())}${sp()}]`
  }
  return `{${sp()}${node.entries.map(([k, v]) => `${k}: ${flowText(v, style, cont)}`).join(sep())}${sp()}}`
}

function comment(style: Style): string {
  return ['', '', '', ' # note', '  #c'][style.pick(5)]!
}

/** Lines for `node` as the value of a block entry whose own indentation is `indent`. */
function blockValue(node: Shape, indent: number, style: Style, inSeq: boolean): string {
  if (node.kind === 'scalar' || node.flow) {
    return ` ${flowText(node, style, ' '.repeat(indent + 2))}${comment(style)}\n`
  }
  const step = 1 + style.pick(3)
  if (node.kind === 'seq' && !inSeq && style.pick(2) === 0) {
    // An indentless sequence under a map key.
    return `${comment(style)}\n${blockText(node, indent, style)}`
  }
  return `${comment(style)}\n${['', '\n', '# between\n'][style.pick(3)]}${blockText(node, indent + step, style)}`
}

function blockText(node: Shape, indent: number, style: Style): string {
  const pad = ' '.repeat(indent)
  if (node.kind === 'scalar' || node.flow) {
    return `${pad}${flowText(node, style, `${pad} `)}\n`
  }
  if (node.kind === 'map') {
    return node.entries.map(([k, v]) => `${pad}${k}:${blockValue(v, indent, style, false)}`).join('')
  }
  return node.items
    .map((item) => {
      if (item.kind !== 'scalar' && !item.flow && style.pick(3) > 0) {
        // A compact item: the nested block starts on the dash's line.
        const nested = blockText(item, indent + 2, style)
        return `${pad}- ${nested.slice(indent + 2)}`
      }
      if (item.kind !== 'scalar' && !item.flow) {
        return `${pad}-${comment(style)}\n${blockText(item, indent + 2, style)}`
      }
      return `${pad}-${blockValue(item, indent, style, true)}`
    })
    .join('')
}

const kubernetesText = fc
  .record({
    docs: fc.array(fc.uniqueArray(fc.tuple(k8sKey, shape), { minLength: 1, maxLength: 5, selector: ([k]) => k }), {
      minLength: 1,
      maxLength: 3,
    }),
    picks: fc.array(fc.nat(1000), { minLength: 1, maxLength: 64 }),
    markers: fc.constantFrom('---\n', '--- # next\n', '---\n\n'),
    head: fc.constantFrom('', '---\n', '# a file\n'),
  })
  .map(({ docs, picks, markers, head }) => {
    const style = new Style(picks)
    return head + docs.map((entries) => blockText({ kind: 'map', flow: false, entries }, 0, style)).join(markers)
  })

describe('properties: generated Kubernetes-shaped documents', () => {
  test('the reader gives up or agrees with yaml on values, documents and every line', () => {
    let answered = 0
    fc.assert(
      fc.property(kubernetesText, (t) => {
        const problems = disagreements(t)
        if (problems !== undefined) {
          answered++
          expect(problems, t).toEqual([])
        }
      }),
      { numRuns: 400 },
    )
    // The generator is meant to stay mostly inside the subset.
    expect(answered).toBeGreaterThan(200)
  })
})
