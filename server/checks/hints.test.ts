import { describe, expect, it } from 'vitest'
import { pickHint } from './hints.ts'

describe('pickHint', () => {
  it('starts with the nudge and ends with the specific fix', () => {
    const authored = ['Look at the Gateway hosts.', 'The host must be hipster.localhost.']
    const specific = 'Set spec.hosts[0] to hipster.localhost.'
    expect(pickHint(authored, 0, specific)).toBe('Look at the Gateway hosts.')
    expect(pickHint(authored, 1, specific)).toBe('The host must be hipster.localhost.')
    expect(pickHint(authored, 2, specific)).toBe(specific)
    expect(pickHint(authored, 9, specific)).toBe(specific)
  })
  it('uses the specific fix at once when the lab has no hints', () => {
    expect(pickHint(undefined, 0, 'Fix it.')).toBe('Fix it.')
  })
  it('returns nothing when nobody has a hint', () => {
    expect(pickHint(undefined, 3, undefined)).toBeUndefined()
  })
  it('accepts a single authored string', () => {
    expect(pickHint('Try again.', 0, undefined)).toBe('Try again.')
    expect(pickHint('Try again.', 4, undefined)).toBe('Try again.')
  })
})
