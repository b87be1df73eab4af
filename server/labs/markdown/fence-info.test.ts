// Fence info strings, safe file names, languages and check id lists.
import { describe, expect, it } from 'vitest'
import { isSafeFileName, languageForFile, parseCheckIds, parseFenceInfo } from './fence-info.ts'

describe('parseFenceInfo', () => {
  it.each([
    ['terminal:run', { action: 'terminal:run' }],
    ['copy', { action: 'copy' }],
    ['check', { action: 'check' }],
    ['  check  extra', { action: 'check' }],
    ['file:gateway.yaml', { action: 'file', name: 'gateway.yaml' }],
    ['file:', { action: 'file', name: '' }],
    ['terminal:execute', { action: 'unknown', name: 'terminal:execute' }],
    ['check:run', { action: 'unknown', name: 'check:run' }],
    ['yaml', { action: 'none', language: 'yaml' }],
    ['', { action: 'none', language: '' }],
  ])('%j', (info, expected) => {
    expect(parseFenceInfo(info)).toEqual(expected)
  })
})

describe('isSafeFileName', () => {
  it.each(['gateway.yaml', 'k8s/app.yaml', '.env', 'a_b-c.1.json'])('accepts %s', (name) => {
    expect(isSafeFileName(name)).toBe(true)
  })
  it.each(['', '../x', 'a/../../x', '/etc/passwd', 'a//b', 'a b', 'a"b', 'x\\y', '.', 'a/..', 'x'.repeat(201)])(
    'rejects %j',
    (name) => {
      expect(isSafeFileName(name)).toBe(false)
    },
  )
})

describe('languageForFile', () => {
  it('maps extensions and falls back to text', () => {
    expect(['a.yaml', 'a.YML', 'run.sh', 'Dockerfile', 'x.json', 'notes', 'a.weird'].map(languageForFile)).toEqual([
      'yaml',
      'yaml',
      'bash',
      'dockerfile',
      'json',
      'text',
      'text',
    ])
  })
})

describe('parseCheckIds', () => {
  it('reads lines, YAML list items, flow lists and comments', () => {
    expect(parseCheckIds('a\n b \n\n# note\nc # trailing\n')).toEqual(['a', 'b', 'c'])
    expect(parseCheckIds('- a\n- "b"\n- a\n')).toEqual(['a', 'b'])
    expect(parseCheckIds("[a, 'b' ,c]")).toEqual(['a', 'b', 'c'])
    expect(parseCheckIds('  \n')).toEqual([])
  })
})
