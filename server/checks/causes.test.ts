import { readFile } from 'node:fs/promises'
import { describe, expect, it } from 'vitest'
import { CAUSES, causesTable, isKnownCause } from './causes.ts'

describe('the cause catalog', () => {
  it('is sorted, and knows analyzer codes but not prototype keys', () => {
    const ids = Object.keys(CAUSES)
    expect(ids).toEqual([...ids].sort())
    expect(isKnownCause('no-gateways')).toBe(true)
    expect(isKnownCause('IST0101')).toBe(true)
    expect(isKnownCause('constructor')).toBe(false)
    expect(isKnownCause('__proto__')).toBe(false)
  })

  it('is the table labs/README.md shows', async () => {
    const readme = await readFile(new URL('../../labs/README.md', import.meta.url), 'utf8')
    const between = /<!-- causes:start -->([\s\S]*?)<!-- causes:end -->/.exec(readme)?.[1] ?? ''
    // Prettier pads the cells; compare the cell texts.
    const cells = (table: string): string[][] =>
      table
        .trim()
        .split('\n')
        .map((row) => row.split(/(?<!\\)\|/).map((cell) => cell.trim().replace(/^-+$/, '---')))
    expect(cells(between)).toEqual(cells(causesTable()))
  })
})
