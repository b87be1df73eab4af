import { describe, expect, it } from 'vitest'
import { formatTable } from './tabwriter.ts'

describe('formatTable (Go text/tabwriter with a space pad)', () => {
  it.each<[string, string[][], number, string]>([
    [
      'pads every column but the last',
      [
        ['NAME', 'VALUE'],
        ['a', '1'],
      ],
      5,
      'NAME     VALUE\na        1\n',
    ],
    [
      'an empty cell still takes the column width',
      [
        ['A', 'B', 'C'],
        ['', 'x', ''],
      ],
      1,
      'A B C\n  x \n',
    ],
    [
      'a column block ends at a row without that column',
      [['a', 'b', 'c'], ['aaaa', 'b'], ['x']],
      2,
      'a     b  c\naaaa  b\nx\n',
    ],
    ['a new block starts after a short row', [['a', 'b'], ['x'], ['long', 'b']], 1, 'a b\nx\nlong b\n'],
    [
      'widths count characters, not bytes',
      [
        ['é', 'x'],
        ['ab', 'y'],
      ],
      1,
      'é  x\nab y\n',
    ],
    ['no rows', [], 5, ''],
  ])('%s', (_name, rows, padding, expected) => {
    expect(formatTable(rows, { padding })).toBe(expected)
  })

  it('honours a minimum width', () => {
    expect(formatTable([['a', 'b']], { padding: 1, minWidth: 4 })).toBe('a   b\n')
  })
})
