// No import cycles in the server or the browser app, counting what the lint rule (import-x/no-cycle)
// does not: type-only imports and lazy `import()`s. A cycle of types still means two modules that
// cannot be read one after the other; the fix is to move the shared type to the lower module.
// Imports are read by TypeScript's own pre-processor, the graph walked with Tarjan's algorithm.
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'
import { packageRoot } from '../../server/paths.ts'

const root = packageRoot()

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts') && !/\.test(-helper)?\.ts$|\.d\.ts$/.test(e.name))
    .map((e) => join(e.parentPath, e.name))
}

/** Module → the modules it imports (relative specifiers only), as paths from the package root. */
export function importGraph(files: readonly string[]): Map<string, string[]> {
  const graph = new Map<string, string[]>()
  for (const file of files) {
    const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true)
    graph.set(
      relative(root, file),
      importedFiles
        .filter((i) => i.fileName.startsWith('.'))
        .map((i) => relative(root, resolve(dirname(file), i.fileName))),
    )
  }
  return graph
}

/** The strongly connected groups of more than one module (each is at least one cycle). */
export function cycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  let next = 0
  const index = new Map<string, number>()
  const low = new Map<string, number>()
  const stack: string[] = []
  const onStack = new Set<string>()
  const found: string[][] = []
  const visit = (v: string): void => {
    index.set(v, next)
    low.set(v, next)
    next++
    stack.push(v)
    onStack.add(v)
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) {
        continue
      }
      if (!index.has(w)) {
        visit(w)
        low.set(v, Math.min(low.get(v)!, low.get(w)!))
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!))
      }
    }
    if (low.get(v) === index.get(v)) {
      const group: string[] = []
      let w: string
      do {
        w = stack.pop()!
        onStack.delete(w)
        group.push(w)
      } while (w !== v)
      if (group.length > 1) {
        found.push(group.sort())
      }
    }
  }
  for (const v of graph.keys()) {
    if (!index.has(v)) {
      visit(v)
    }
  }
  return found
}

describe('import cycles', () => {
  it('finds a cycle through a type-only import and a lazy import (the detector works)', () => {
    const graph = new Map([
      ['a.ts', ['b.ts']],
      ['b.ts', ['c.ts']],
      ['c.ts', ['a.ts']],
      ['d.ts', ['a.ts']],
    ])
    expect(cycles(graph)).toEqual([['a.ts', 'b.ts', 'c.ts']])
  })

  it('reads type-only and lazy imports from source', () => {
    const lazy = join('server', 'cli', 'commands', 'down.ts')
    const typeOnly = join('server', 'grader', 'judge', 'verdict.ts')
    const graph = importGraph([join(root, lazy), join(root, typeOnly)])
    expect(graph.get(lazy)).toContain(join('server', 'provision', 'blueprint.ts'))
    expect(graph.get(typeOnly)).toContain(join('server', 'checks', 'types.ts'))
  })

  it('server/ and web/src/ have none', () => {
    const graph = importGraph([...sourceFiles(join(root, 'server')), ...sourceFiles(join(root, 'web', 'src'))])
    expect(graph.size).toBeGreaterThan(200)
    expect(cycles(graph).map((c) => c.join(' ⇄ '))).toEqual([])
  })
})
