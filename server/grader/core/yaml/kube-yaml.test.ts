// kindlab's YAML reader on its own: kubectl's values for issue 12's cases, the line of every
// field, prototype keys kept as data, refusals with their line, and repeated-key warnings. The
// cluster suite's yaml-decoder.test.ts holds the same reader to kubectl's own decoder.
import { describe, expect, it } from 'vitest'
import { readKubeYaml } from './kube-yaml.ts'

const value = (text: string): unknown => {
  const read = readKubeYaml(text)
  expect(read.error).toBeUndefined()
  return read.documents[0]?.value
}

describe('readKubeYaml', () => {
  it('reads YAML 1.1 scalars as kubectl does', () => {
    expect(value('a: yes\nb: 0120\nc: off\nd: 0b101\ne: 1_000\nf: 190:20:30\ng: 2001-12-14\nh: "yes"\n')).toEqual({
      a: true,
      b: 80,
      c: false,
      d: 5,
      e: 1000,
      f: '190:20:30',
      g: '2001-12-14',
      h: 'yes',
    })
  })

  it('applies merge keys and lets later keys win', () => {
    expect(value('d:\n  <<: {host: frontend}\n  port: 80\nx: 1\nx: 2\n')).toEqual({
      d: { host: 'frontend', port: 80 },
      x: 2,
    })
  })

  it('reads an unquoted key with " # " as the text before the comment, as kubectl does', () => {
    expect(value('labels:\n  team "a # b": x\n')).toEqual({ labels: 'team "a' })
  })

  it('keeps __proto__ and constructor keys as own data properties', () => {
    const v = value('headers:\n  __proto__: {exact: evil}\n  constructor: x\n') as { headers: Record<string, unknown> }
    expect(Object.getPrototypeOf(v.headers)).toBe(Object.prototype)
    expect(Object.keys(v.headers)).toEqual(['__proto__', 'constructor'])
    expect(Object.getOwnPropertyDescriptor(v.headers, '__proto__')?.value).toEqual({ exact: 'evil' })
    expect(({} as Record<string, unknown>)['exact']).toBeUndefined()
  })

  it('gives the line of every field, not of the document', () => {
    const text =
      'apiVersion: v1\nkind: Service\nmetadata:\n  name: a\nspec:\n  ports:\n  - port: 80\n  selector:\n    app: x\n'
    const [doc] = readKubeYaml(`---\n# c\n${text}`).documents
    expect(doc?.line).toBe(3)
    expect(doc?.lineAt(['spec', 'selector'])).toBe(10)
    expect(doc?.lineAt(['spec', 'ports', 0, 'port'])).toBe(9)
    expect(doc?.lineAt(['spec', 'selector', 'missing'])).toBe(10)
  })

  it('counts lines across CRLF, a BOM and document markers', () => {
    const read = readKubeYaml('\ufeffa: 1\r\n---\r\nb:\r\n  c: 2\r\n')
    expect(read.documents.map((d) => [d.index, d.line, d.value])).toEqual([
      [0, 1, { a: 1 }],
      [1, 3, { b: { c: 2 } }],
    ])
    expect(read.documents[1]?.lineAt(['b', 'c'])).toBe(4)
  })

  it('refuses what kubectl refuses, with the line', () => {
    expect(readKubeYaml('a: 1\n---\nb: .nan\n').error).toMatchObject({ document: 1, line: 3, message: /NaN/ })
    expect(readKubeYaml('a: 1\n--- x\n').error).toMatchObject({ line: 2, message: /document separator/ })
    expect(readKubeYaml('a:\n\tb: 1\n').error).toMatchObject({ line: 2 })
    expect(readKubeYaml('~: 1\n').error?.message).toMatch(/unsupported map key/)
  })

  it("reads double-quoted escapes as go-yaml does: \\' is a quote, \\/ and lone surrogates are refused", () => {
    for (const fastPath of [true, false]) {
      expect(readKubeYaml('a: "\\N\\\'x"\n', { fastPath }).documents[0]?.value).toEqual({ a: "\x85'x" })
      expect(readKubeYaml('a: 1\nb: "\\/"\n', { fastPath }).error).toMatchObject({ line: 2, message: /unknown escape/ })
      expect(readKubeYaml('a: "\\ud800"\n', { fastPath }).error?.message).toMatch(/invalid Unicode/)
    }
    // Over several lines the yaml package would keep \' as two characters: refused, never misread.
    expect(readKubeYaml('a: "x\\\'\n  y"\n').error?.message).toMatch(/cannot read the escape/)
  })

  it("refuses a tab in a block scalar's indentation, as go-yaml does; a tab after it is text", () => {
    expect(readKubeYaml('a: |\n  \tx\n').error?.message).toMatch(/tab character where an indentation space/)
    expect(readKubeYaml('a: |\n  x\n  \ty\n').documents[0]?.value).toEqual({ a: 'x\n\ty\n' })
  })

  it('warns about a repeated key, which kubectl drops silently', () => {
    const read = readKubeYaml('spec:\n  host: a\n  host: b\n')
    expect(read.documents[0]?.value).toEqual({ spec: { host: 'b' } })
    expect(read.warnings).toEqual([
      { document: 0, line: 3, message: expect.stringMatching(/"host" is repeated \(first at line 2\)/) as string },
    ])
  })
})
