import { describe, expect, it } from 'vitest'
import { createFocusEscape } from './focus-escape.ts'

const down = (key: string, mods: { ctrlKey?: boolean } = {}) => ({ type: 'keydown', key, ...mods })

describe('createFocusEscape', () => {
  it('keeps Tab in the shell unless Esc came right before it', () => {
    const leaves = createFocusEscape()
    expect(leaves(down('Tab'))).toBe(false)
    expect(leaves(down('Escape'))).toBe(false)
    expect(leaves(down('Tab'))).toBe(true)
    expect(leaves(down('Tab'))).toBe(false)
  })

  it('lets Shift+Tab leave too (Shift pressed between Esc and Tab)', () => {
    const leaves = createFocusEscape()
    leaves(down('Escape'))
    expect(leaves(down('Shift'))).toBe(false)
    expect(leaves(down('Tab'))).toBe(true)
  })

  it('forgets the Esc after any other key, and ignores keyup', () => {
    const leaves = createFocusEscape()
    leaves(down('Escape'))
    leaves(down('a'))
    expect(leaves(down('Tab'))).toBe(false)
    leaves(down('Escape'))
    expect(leaves({ type: 'keyup', key: 'Tab' })).toBe(false)
    expect(leaves(down('Tab', { ctrlKey: true }))).toBe(false)
  })
})
