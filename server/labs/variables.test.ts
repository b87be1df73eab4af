// Lab variables: finding, substituting, escaping, session overrides and check parameters.
import { describe, expect, it } from 'vitest'
import { collectStrings, findVariableRefs, resolveCheck, resolveVariables, substituteVariables } from './variables.ts'

describe('variables', () => {
  it('finds ${NAME} references but not escaped $${NAME} or shell forms', () => {
    const text = 'a ${ONE} $${TWO} ${three} $FOUR ${FIVE:-x} ${SIX_6}'
    expect(findVariableRefs(text)).toEqual([
      { name: 'ONE', index: 2 },
      { name: 'SIX_6', index: text.indexOf('${SIX_6}') },
    ])
  })

  it('substitutes known names, unescapes $${NAME} and leaves unknown names', () => {
    expect(substituteVariables('${A}-$${A}-${B}', { A: 'x' })).toBe('x-${A}-${B}')
    expect(substituteVariables('${A}', { A: '$${A}' })).toBe('$${A}')
  })

  it('resolves defaults with session overrides for declared names only', () => {
    const declared = { DOMAIN: { default: 'localhost', description: 'd' }, NAME: { default: 'Ada', description: 'n' } }
    expect(resolveVariables(declared, { DOMAIN: 'ex.com', OTHER: 'ignored' })).toEqual({
      DOMAIN: 'ex.com',
      NAME: 'Ada',
    })
    expect(resolveVariables(declared, { toString: 'x' })).toEqual({ DOMAIN: 'localhost', NAME: 'Ada' })
  })

  it('resolves every string parameter of a check, never its id or kind', () => {
    const check = {
      id: 'c-${A}',
      kind: 'command',
      run: 'curl ${A}',
      hint: ['see ${A}'],
      nested: { url: 'http://${A}' },
      timeoutSec: 3,
    }
    expect(resolveCheck(check, { A: 'x' })).toEqual({
      id: 'c-${A}',
      kind: 'command',
      run: 'curl x',
      hint: ['see x'],
      nested: { url: 'http://x' },
      timeoutSec: 3,
    })
  })

  it('collects strings with their paths', () => {
    expect(collectStrings({ a: 'x', b: [1, 'y'], c: { d: 'z' } })).toEqual([
      { path: ['a'], text: 'x' },
      { path: ['b', 1], text: 'y' },
      { path: ['c', 'd'], text: 'z' },
    ])
  })
})
