import { describe, expect, it } from 'vitest'
import { splitCode } from './inline-code.ts'

describe('splitCode', () => {
  it('turns backtick pairs into code parts and keeps the rest as text', () => {
    expect(splitCode('Run `ls ~` then `cat x`.')).toEqual([
      { code: false, text: 'Run ' },
      { code: true, text: 'ls ~' },
      { code: false, text: ' then ' },
      { code: true, text: 'cat x' },
      { code: false, text: '.' },
    ])
  })

  it('leaves text without pairs alone, including a lone backtick and <tags>', () => {
    expect(splitCode('a ` b <b>c</b>')).toEqual([{ code: false, text: 'a ` b <b>c</b>' }])
    expect(splitCode('')).toEqual([])
  })
})
