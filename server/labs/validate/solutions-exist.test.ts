// The solutions-exist rule: a step with grader checks and no solution files is an error at its
// lab.yaml entry; command/file-only steps are left alone.
import { describe, expect, it } from 'vitest'
import { checkKinds } from '../../checks/registry.ts'
import type { LabFolder } from '../read-lab-files.ts'
import { validateLabFolder } from '../validate-labs.ts'

const labYaml = `id: tiny
title: Tiny
summary: A lab with one graded step and one command step.
duration: 5m
requires: { cluster: none }
steps:
  - file: steps/01-route.md
    checks:
      - id: shop-routed
        kind: route
        host: shop.example.com
        expect: { service: frontend, port: 80 }
  - file: steps/02-shell.md
    checks:
      - id: says-hi
        kind: command
        run: echo hi
`

function folder(extraFiles: string[]): LabFolder {
  const texts = new Map([
    ['steps/01-route.md', '# Route\n'],
    ['steps/02-shell.md', '# Shell\n'],
  ])
  const files = new Set(['lab.yaml', ...texts.keys(), ...extraFiles])
  const dirs = new Set(['steps', ...extraFiles.map((f) => f.slice(0, f.lastIndexOf('/'))), 'solution'])
  return { name: 'tiny', dir: '/labs/tiny', labYaml, files, dirs, texts }
}

describe('solutions-exist rule', () => {
  it('reports a graded step without solution files, at its lab.yaml line', () => {
    const { issues } = validateLabFolder(folder([]), { checkKinds })
    const found = issues.filter((i) => i.message.includes('no solution'))
    expect(found).toEqual([expect.objectContaining({ file: 'tiny/lab.yaml', line: 7, level: 'error' })])
    expect(found[0]?.message).toMatch(/solution\/01-route\/ is missing/)
  })

  it('is satisfied by a solution file and ignores command-only steps', () => {
    const { issues } = validateLabFolder(folder(['solution/01-route/shop.yaml']), { checkKinds })
    expect(issues.filter((i) => i.message.includes('no solution'))).toEqual([])
  })
})
