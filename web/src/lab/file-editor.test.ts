import { describe, expect, it } from 'vitest'
import { firstBlank } from './file-editor.ts'

describe('firstBlank', () => {
  it('finds the first ? value, quoted or bare', () => {
    const text = 'data:\n  name: web\n  reason: "?"\n  fix: ?\n'
    const blank = firstBlank(text)
    expect(blank && text.slice(blank.start, blank.end)).toBe('"?"')
    expect(firstBlank('a: ?\n')).toEqual({ start: 3, end: 4 })
  })

  it('ignores question marks that are not values', () => {
    expect(firstBlank('# what port? 80\nport: 80\nurl: http://x/?a=1\n')).toBeUndefined()
  })
})
