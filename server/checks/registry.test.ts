// The check kinds' defaults live in their schemas (`default:`), once; labs/README.md tells authors
// what they are, and this test keeps the two from drifting apart.
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { checkKinds } from './registry.ts'

const readme = readFileSync(new URL('../../labs/README.md', import.meta.url), 'utf8')

/** The README section of one kind: from its `**\`kind\`**` heading to the next kind's. */
function section(kind: string): string {
  const start = readme.indexOf(`**\`${kind}\`**`)
  const next = readme.indexOf('**`', start + 1)
  return start < 0 ? '' : readme.slice(start, next < 0 ? undefined : next)
}

/** The table of the request parameters the grader kinds share (`host`, `path`, ...). */
const requestTable = readme.slice(readme.indexOf('### Grader check kinds'), readme.indexOf('**`route`**'))

const rowOf = (text: string, param: string): string | undefined =>
  text.split('\n').find((line) => line.startsWith(`| \`${param}\``))

/** Every top-level parameter of every kind whose schema has a default. */
const defaults = [...checkKinds.values()].flatMap((kind) => {
  const properties = (kind.paramsSchema['properties'] ?? {}) as Record<string, { default?: unknown }>
  return Object.entries(properties)
    .filter(([, schema]) => schema.default !== undefined)
    .map(([param, schema]) => [kind.kind, param, JSON.stringify(schema.default).replace(/^"|"$/g, '')] as const)
})

describe('check kind defaults', () => {
  it('exist (a kind with a default fills it in at lab load)', () => {
    expect(defaults).toContainEqual(['command', 'timeoutSec', '20'])
  })

  it.each(defaults)('labs/README.md gives %s.%s its schema default (%s)', (kind, param, value) => {
    const row = rowOf(section(kind), param) ?? rowOf(requestTable, param)
    expect(row, `no row for ${param} under ${kind}`).toBeDefined()
    expect(row).toMatch(/default/i)
    expect(/^\w+$/.test(value) ? new RegExp(`\\b${value}\\b`).test(row ?? '') : row?.includes(value)).toBe(true)
  })
})
