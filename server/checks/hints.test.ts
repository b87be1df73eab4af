import { describe, expect, it } from 'vitest'
import { chooseWrittenHint, pickHint } from './hints.ts'

describe('pickHint', () => {
  it('walks the ladder one failed attempt at a time and stays on the last rung', () => {
    const authored = ['Look at the Gateway hosts.', 'Compare them character by character.']
    expect(pickHint(authored, 0)).toBe('Look at the Gateway hosts.')
    expect(pickHint(authored, 1)).toBe('Compare them character by character.')
    expect(pickHint(authored, 9)).toBe('Compare them character by character.')
  })
  it('returns nothing when the lab wrote nothing', () => {
    expect(pickHint(undefined, 3)).toBeUndefined()
    expect(pickHint([], 0)).toBeUndefined()
  })
  it('accepts a single authored string', () => {
    expect(pickHint('Try again.', 0)).toBe('Try again.')
    expect(pickHint('Try again.', 4)).toBe('Try again.')
  })
})

describe('chooseWrittenHint', () => {
  const hint = ['A route needs both halves.', 'Compare the hosts.']
  const hintByCause = { 'no-gateways': 'Bind the VirtualService to the Gateway with `gateways`.' }

  it('follows the cause, not the attempt number', () => {
    expect(chooseWrittenHint({ hint, hintByCause, cause: 'no-gateways' }, 0)).toBe(hintByCause['no-gateways'])
    expect(chooseWrittenHint({ hint, hintByCause, cause: 'no-gateways' }, 5)).toBe(hintByCause['no-gateways'])
  })
  it('falls back to the generic ladder for a cause the lab has no hint for', () => {
    expect(chooseWrittenHint({ hint, hintByCause, cause: 'host-mismatch' }, 1)).toBe('Compare the hosts.')
    expect(chooseWrittenHint({ hint, hintByCause }, 0)).toBe('A route needs both halves.')
  })
  it("prefers the kind's exact hint (a field's own hint)", () => {
    expect(chooseWrittenHint({ hint, hintByCause, cause: 'no-gateways', writtenHint: 'exact' }, 0)).toBe('exact')
  })
  it('never reads a prototype key as a cause', () => {
    expect(chooseWrittenHint({ hint, hintByCause, cause: 'constructor' }, 0)).toBe('A route needs both halves.')
  })
})
