// The YAML reader's fast path (server/grader/core/yaml/kube-fast.ts) against its full reader on
// the repository's own YAML and on generated files: the same documents, values (key order and
// `__proto__` keys included), field lines (lineAt of every path), warnings and errors. The
// cluster suite (test/cluster/yaml-decoder.test.ts) holds both to kubectl's own decoder.
import { readFileSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { readKubeYaml, type KubeYamlResult } from '../../server/grader/core/yaml/kube-yaml.ts'
import { createRandom, generateFile } from '../cluster/yaml/generate.ts'
import { generateManifest } from './yaml-manifest-generator.ts'

const root = fileURLToPath(new URL('../..', import.meta.url))

function yamlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? yamlFiles(path) : /\.ya?ml$/.test(name) ? [path] : []
  })
}

type Path = Array<string | number>

/** Every path of a value, and one missing child under each collection. */
function paths(value: unknown, at: Path = [], out: Path[] = []): Path[] {
  out.push(at)
  if (Array.isArray(value)) {
    value.forEach((v, i) => paths(v, [...at, i], out))
    out.push([...at, value.length])
  } else if (value !== null && typeof value === 'object') {
    for (const k of Object.keys(value)) {
      paths((value as Record<string, unknown>)[k], [...at, k], out)
    }
    out.push([...at, '\u0001missing'])
  }
  return out
}

/** What a caller can observe of a reading, in a form toEqual compares exactly. */
function observe(read: KubeYamlResult): unknown {
  return {
    documents: read.documents.map((d) => ({
      index: d.index,
      line: d.line,
      // JSON keeps key order and own `__proto__` keys; prototypes must stay Object.prototype.
      value: JSON.stringify(d.value),
      plainObjects: paths(d.value).every((p) => {
        let v: unknown = d.value
        for (const seg of p) {
          v = v === null || typeof v !== 'object' ? undefined : (v as Record<string | number, unknown>)[seg]
        }
        return v === null || typeof v !== 'object' || Array.isArray(v) || Object.getPrototypeOf(v) === Object.prototype
      }),
      lines: paths(d.value).map((p) => d.lineAt(p)),
    })),
    error: read.error,
    warnings: read.warnings,
  }
}

/** Reads `text` both ways; returns whether the fast path read every YAML document. */
function expectSame(text: string, name: string): boolean {
  const fast = readKubeYaml(text)
  const full = readKubeYaml(text, { fastPath: false })
  expect(full.readers.fast, name).toBe(0)
  expect(observe(fast), `${name}: ${JSON.stringify(text).slice(0, 300)}`).toEqual(observe(full))
  return fast.readers.full === 0 && fast.readers.fast > 0
}

describe('YAML fast path', () => {
  it('reads every YAML file of the repository as the full reader does, most of them by itself', () => {
    const files = [...yamlFiles(join(root, 'labs')), ...yamlFiles(join(root, 'clusters'))]
    expect(files.length).toBeGreaterThan(50)
    let fast = 0
    for (const file of files) {
      fast += expectSame(readFileSync(file, 'utf8'), file.slice(root.length)) ? 1 : 0
    }
    expect(fast / files.length).toBeGreaterThan(0.9)
  }, 60_000)

  it('reads generated manifests as the full reader does (values and lines), most by itself', () => {
    const rnd = createRandom(4242)
    let fast = 0
    const count = 1500
    for (let i = 0; i < count; i++) {
      fast += expectSame(generateManifest(rnd), `manifest #${i}`) ? 1 : 0
    }
    expect(fast / count).toBeGreaterThan(0.8)
  }, 120_000)

  it("reads the differential suite's generated files as the full reader does", () => {
    const rnd = createRandom(20_261_207)
    for (let i = 0; i < 1000; i++) {
      expectSame(generateFile(rnd), `generated #${i}`)
    }
  }, 120_000)

  it('gives up, rather than guess, on what it does not read exactly', () => {
    const cases = [
      'a: &x 1\nb: *x\n',
      'a: !!str 1\n',
      'a:\n  <<: {b: 1}\n',
      'a: 1\na: 2\n',
      '? a\n: 1\n',
      'a: >\n  folded\n',
      'a: plain\n  over lines\n',
      'a:\n\tb: 1\n',
      'a: .nan\n',
      '~: 1\n',
      'a: "\\/"\n',
      'a: [x?y]\n',
      'a:\n    b: 1\n  c: 2\n',
      '%YAML 1.1\n',
      'a: 1\n...\nb: 2\n',
    ]
    for (const text of cases) {
      const read = readKubeYaml(text)
      expect(read.readers.full, text).toBe(1)
      expectSame(text, text)
    }
  })
})
