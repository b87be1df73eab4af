// Differential suite: kindlab's YAML reader against kubectl's own decoder (apimachinery's
// document split + sigs.k8s.io/yaml, built from the Kubernetes module in test/cluster/go). Every
// file must decode to the same JSON, or both must refuse it; the only refusal of ours that kubectl
// does not share is nesting deeper than the yaml package's stack allows, and it says so. The reader
// runs as it does in kindlab (fast path first, the full reader where the fast path gives up); the
// counts say which reader read each document, and the manifest-shaped corpus must be read mostly
// by the fast path, so that both readers are held to kubectl.
import { beforeAll, describe, expect, it } from 'vitest'
import { readKubeYaml } from '../../server/grader/core/yaml/kube-yaml.ts'
import { ensureYamlref } from './build.ts'
import { generateManifest } from '../unit/yaml-manifest-generator.ts'
import { createRandom, generateFile } from './yaml/generate.ts'
import { canonical, decodeWithKubectl } from './yaml/yamlref.ts'

let yamlref = ''
beforeAll(async () => {
  yamlref = await ensureYamlref()
}, 300_000)

const items = Array.from({ length: 1000 }, (_, i) => i).join(', ')
const nested = (depth: number): string => `a: ${'['.repeat(depth)}${']'.repeat(depth)}\n`
const laughs = ['a: &a [x, x, x, x, x, x, x, x, x]']
for (let i = 1; i < 9; i++) {
  const name = String.fromCharCode(97 + i)
  laughs.push(
    `${name}: &${name} [${Array(9)
      .fill(`*${String.fromCharCode(96 + i)}`)
      .join(', ')}]`,
  )
}

/** Every edge case named in issue 12, and the families it lists. */
const EDGE_CASES: Record<string, string> = {
  'httpsRedirect: yes is true': 'spec:\n  servers:\n  - tls:\n      httpsRedirect: yes\n',
  'number: 0120 is octal 80': 'spec:\n  servers:\n  - port:\n      number: 0120\n',
  'merge key <<: {host: frontend}': 'route:\n- destination:\n    <<: {host: frontend}\n    port: {number: 80}\n',
  'a key containing "a # b" after labels:': 'metadata:\n  labels:\n    team "a # b": x\n',
  'a quoted key "a # b"': 'metadata:\n  labels:\n    "a # b": x\n',
  'a __proto__ header match': 'match:\n- headers:\n    __proto__:\n      exact: evil\n',
  'constructor and quoted __proto__ keys': '"__proto__": {polluted: yes}\nconstructor: {prototype: 1}\n',
  'YAML 1.1 booleans': 'a: [y, Y, yes, Yes, YES, n, N, no, No, NO, on, On, ON, off, Off, OFF, True, FALSE]\n',
  'integers: octal, 0o, 0x, 0b, -0b, underscores, signs':
    'a: [0120, 08, 0o17, 0O17, 0x1F, 0b101, -0b11, 1_000, +12, -0, 0_7, 0b, 0x, 1__0]\n',
  'floats and out-of-range numbers':
    'a: [0.5, .5, -.5, 1e3, 1E-2, 1_0.5, 1e400, 9223372036854775808, 18446744073709551616]\n',
  'sexagesimal and timestamps stay text': 'a: [190:20:30, 12:30, 2001-12-14, 2001-12-14t21:59:43.10-05:00]\n',
  'null spellings': 'a: [~, null, Null, NULL, ""]\nb:\n',
  'NaN value is refused': 'a: .nan\n',
  'infinity value is refused': 'a: -.Inf\n',
  'an infinity replaced by a later key is fine': 'a: .inf\na: 1\n',
  'merge keys: later keys win, positionally': 'base: &b {a: 1, b: 2}\nx:\n  b: 3\n  <<: *b\ny:\n  <<: *b\n  b: 4\n',
  'merge a list of maps: earlier maps win': 'x:\n  <<: [{a: 1}, {a: 2, c: 3}]\n',
  'merge of a scalar is refused': 'x:\n  <<: 1\n',
  'quoted << is an ordinary key': '"<<": {a: 1}\n',
  'duplicate keys: the later one wins': 'a: 1\na: 2\nb: {c: 1, c: 2}\n',
  'keys that become strings': '1: a\n1.5: b\n0x10: c\ntrue: d\nyes: e\n1e10: f\n123456789.0: g\n.inf: h\n',
  'null key is refused': '~: 1\n',
  'uint64 key is refused': '18446744073709551615: 1\n',
  'collection key is refused': '? [1]\n: 2\n',
  'flow mapping and sequence keys': '{a: 1, "b c": 2, ? d : 3}\n',
  'tagged scalars': 'a: !!int "12"\nb: !!str 12\nc: !!float 3\nd: !custom 5\ne: !!binary aGVsbG8=\nf: !!bool "yes"\n',
  'a tag that does not fit is refused': 'a: !!int abc\n',
  'invalid base64 is refused': 'a: !!binary "not base64!"\n',
  'tab after a colon': 'a:\tb\n',
  'tab as indentation is refused': 'a:\n\tb: 1\n',
  'CRLF line ends': 'a: 1\r\nb: |\r\n  x\r\n  y\r\n',
  'byte order mark': '\ufeffa: 1\n',
  'document markers': '---\na: 1\n...\n---\nb: 2\n--- # comment\nc: 3\n',
  'a separator with text after it is refused': 'a: 1\n--- x\n',
  '---- is refused': 'a: 1\n----\n',
  '--- inside a block scalar still splits': 'a: |\n  x\n---\n  y\n',
  'empty and null documents are skipped': '---\n---\n~\n---\n# only a comment\n',
  'a scalar document': 'hello\n',
  'a sequence document': '- a\n- b\n',
  'JSON stream': '{"a": 1}\n{"b": 2}\n',
  'JSON then YAML': '{"a": 1}\nb: 2\n',
  'JSON with a duplicate key': '{"a": 1, "a": 2}',
  'control character is refused': 'a: \u0001\n',
  'escaped control character is fine': 'a: "\\x01"\n',
  'unclosed flow sequence is refused': 'a: 1\nb: [1, 2\n',
  'unknown anchor is refused': 'a: *nope\n',
  'recursive alias is refused': 'a: &x [*x]\n',
  'anchors and aliases': 'a: &a {x: 1}\nb: *a\nc: &s text\nd: [*s, *a]\n',
  'alias expansion just under the limit': `a: &a [${items}]\nb: [${Array(110).fill('*a').join(', ')}]\n`,
  'alias expansion just over the limit': `a: &a [${items}]\nb: [${Array(111).fill('*a').join(', ')}]\n`,
  'billion laughs is refused': `${laughs.join('\n')}\n`,
  'deep nesting (500 levels)': nested(500),
  'nesting over kubectl limit (10001 levels) is refused': nested(10_001),
  'block scalars': 'a: |\n  one\n  two # not a comment\nb: >-\n  folded\n  text\nc: |+\n  keep\n\n',
  'quoted scalars': "a: 'it''s'\nb: \"x\\ty\\u00e9\"\nc: 'a # b'\n",
  "escapes go-yaml knows, \\' too": 'a: "\\N\\_\\L\\P\\\'x\\e"\n',
  'the same escapes in a document the full reader reads': 'x: &a 1\na: "\\N\\\'x"\n',
  'an escape go-yaml does not know (\\/) is refused': 'a: "\\/"\n',
  'a lone surrogate escape is refused': 'a: "\\ud800"\n',
  'an escape go-yaml refuses, in a document the full reader reads': 'x: &a 1\nb: "\\/"\n',
  "a tab in a block scalar's indentation is refused": 'a: |\n  \tx\n',
  'a tab after the indentation of a block scalar is text': 'a: |\n  x\n  \ty\n',
}

/** Deeper than the yaml package can read, shallower than kubectl's limit: our one explicit refusal. */
const TOO_DEEP_FOR_US = nested(5000)

interface Comparison {
  name: string
  text: string
  verdict: 'same' | 'both refuse' | 'explicit refusal' | 'silent disagreement'
  detail?: string
  /** Whether kindlab's fast path read every YAML document of the file (none went to the full reader). */
  fast: boolean
}

async function compare(cases: Array<[string, string]>): Promise<Comparison[]> {
  const theirs = await decodeWithKubectl(
    yamlref,
    cases.map(([, text]) => text),
  )
  return cases.map(([name, text], i): Comparison => {
    const go = theirs[i]!
    const ours = readKubeYaml(text)
    const fast = ours.readers.fast > 0 && ours.readers.full === 0
    const verdict = (v: Comparison['verdict'], detail?: string): Comparison =>
      detail === undefined ? { name, text, verdict: v, fast } : { name, text, verdict: v, detail, fast }
    if (go.error !== undefined && ours.error !== undefined) {
      const clear = ours.error.line >= 1 && ours.error.message.length > 0
      return verdict(clear ? 'both refuse' : 'silent disagreement', ours.error.message)
    }
    if (go.error === undefined && ours.error !== undefined) {
      const explicit = /nested too deeply/.test(ours.error.message)
      return verdict(explicit ? 'explicit refusal' : 'silent disagreement', ours.error.message)
    }
    if (go.error !== undefined) {
      return verdict('silent disagreement', `kubectl refuses: ${go.error}`)
    }
    const same = canonical(go.docs) === canonical(ours.documents.map((d) => d.value))
    return same ? verdict('same') : verdict('silent disagreement', canonical(go.docs).slice(0, 400))
  })
}

describe('YAML reader against kubectl decoder', () => {
  it('agrees on every edge case of issue 12', async () => {
    const results = await compare(Object.entries(EDGE_CASES))
    const wrong = results.filter((r) => r.verdict === 'silent disagreement' || r.verdict === 'explicit refusal')
    expect(wrong.map((r) => `${r.name}: ${r.detail ?? ''}`)).toEqual([])
    // The families are really exercised: some decode, some are refused by both.
    expect(results.filter((r) => r.verdict === 'both refuse').length).toBeGreaterThan(10)
    expect(results.filter((r) => r.verdict === 'same').length).toBeGreaterThan(30)
  })

  it('refuses, with a reason, the one nesting depth it cannot read that kubectl can', async () => {
    const [result] = await compare([['5000 levels', TOO_DEEP_FOR_US]])
    expect(result?.verdict).toBe('explicit refusal')
    expect(result?.detail).toMatch(/nested too deeply .*kubectl allows 10000 levels/)
  })

  it('agrees on 10,000 generated files (seeded), with zero silent disagreements', async () => {
    const rnd = createRandom(20_261_207)
    const cases = Array.from({ length: 10_000 }, (_, i): [string, string] => [`generated #${i}`, generateFile(rnd)])
    const counts = tally(await compare(cases), 'generated files')
    // Most generated files decode; the refusals are the tag mismatches and NaN/Inf values.
    expect(counts.same).toBeGreaterThan(7000)
    // Anchors, tags, merge keys and repeated keys are everywhere here: mostly the full reader's work,
    // but the fast path reads some of these files too, and is held to kubectl on them.
    expect(counts.fast).toBeGreaterThan(500)
  }, 300_000)

  it('agrees on 10,000 generated manifests (seeded), most read by the fast path', async () => {
    const rnd = createRandom(20_261_208)
    const cases = Array.from({ length: 10_000 }, (_, i): [string, string] => [`manifest #${i}`, generateManifest(rnd)])
    const counts = tally(await compare(cases), 'generated manifests')
    expect(counts.same).toBeGreaterThan(8000)
    expect(counts.fast).toBeGreaterThan(8000)
  }, 300_000)
})

/** Counts the verdicts (and the files the fast path read alone); fails on any disagreement. */
function tally(results: Comparison[], what: string): Record<Comparison['verdict'] | 'fast', number> {
  const counts = { same: 0, 'both refuse': 0, 'explicit refusal': 0, 'silent disagreement': 0, fast: 0 }
  for (const r of results) {
    counts[r.verdict]++
    counts.fast += r.fast ? 1 : 0
  }
  process.stderr.write(`[yaml-decoder] ${results.length} ${what}: ${JSON.stringify(counts)}\n`)
  const silent = results.filter((r) => r.verdict !== 'same' && r.verdict !== 'both refuse')
  expect(silent.slice(0, 5).map((r) => `${r.name}: ${JSON.stringify(r.text)} -> ${r.detail ?? ''}`)).toEqual([])
  return counts
}
