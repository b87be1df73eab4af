// YAML with positions: values are located at their line and column, with an offset for front matter.
import { describe, expect, it } from 'vitest'
import { splitFrontMatter } from './front-matter.ts'
import { parseYamlSource } from './yaml-source.ts'

const text = [
  'id: demo',
  'steps:',
  '  - file: steps/01-a.md',
  '    checks:',
  '      - id: one',
  '        kind: command',
  '',
].join('\n')

describe('parseYamlSource', () => {
  it('locates values, keys and list items', () => {
    const source = parseYamlSource(text, 'demo/lab.yaml')
    expect(source.issues).toEqual([])
    expect(source.locate(['id'])).toEqual({ line: 1, column: 5 })
    expect(source.locate(['steps', 0])).toEqual({ line: 3, column: 5 })
    expect(source.locate(['steps', '0', 'checks', 0, 'kind'])).toEqual({ line: 6, column: 15 })
    expect(source.locate(['steps', 0, 'checks', 0, 'kind'], 'key')).toEqual({ line: 6, column: 9 })
  })

  it('falls back to the nearest existing parent for missing paths', () => {
    const source = parseYamlSource(text, 'demo/lab.yaml')
    expect(source.locate(['steps', 0, 'checks', 0, 'run'])).toEqual({ line: 5, column: 9 })
    expect(source.locate(['steps', 7])).toEqual({ line: 3, column: 3 })
  })

  it('reports syntax errors at their line with the lineOffset added', () => {
    const source = parseYamlSource('a: 1\nb: [1, 2\n', 'demo/steps/01-a.md', 1)
    expect(source.value).toBeUndefined()
    expect(source.issues).toHaveLength(1)
    expect(source.issues[0]).toMatchObject({ file: 'demo/steps/01-a.md', level: 'error' })
    expect(source.issues[0]?.line).toBeGreaterThanOrEqual(3)
  })

  it('reports duplicate keys with a hint', () => {
    const source = parseYamlSource('a: 1\na: 2\n', 'x.yaml')
    expect(source.issues[0]).toMatchObject({ line: 2, column: 1, hint: expect.stringContaining('once') as unknown })
  })
})

describe('splitFrontMatter', () => {
  it('splits the front matter and keeps the line offsets', () => {
    const split = splitFrontMatter('---\ntitle: Hi\n---\n# Body\ntext')
    expect(split).toEqual({
      frontMatter: 'title: Hi\n',
      frontMatterLineOffset: 1,
      body: '# Body\ntext',
      bodyLineOffset: 3,
      unclosed: false,
    })
  })

  it('leaves files without front matter alone and notices unclosed ones', () => {
    expect(splitFrontMatter('# Only body\n---\n')).toMatchObject({
      frontMatter: undefined,
      body: '# Only body\n---\n',
      bodyLineOffset: 0,
    })
    expect(splitFrontMatter('---\ntitle: Hi\n# no end').unclosed).toBe(true)
    expect(splitFrontMatter('\uFEFF---\r\ntitle: Hi\r\n---\r\nbody').frontMatter).toBe('title: Hi\r\n')
  })
})
