import { describe, expect, it } from 'vitest'
import { isAllowedOrigin } from './origin.ts'

describe('isAllowedOrigin', () => {
  it.each([
    ['http://127.0.0.1:4280', '127.0.0.1:4280', [], true],
    // same host and port, other scheme: another origin (the old check ignored the scheme)
    ['https://127.0.0.1:4280', '127.0.0.1:4280', [], false],
    ['ws://127.0.0.1:4280', '127.0.0.1:4280', [], false],
    ['http://127.0.0.1', '127.0.0.1:80', [], true],
    ['http://127.0.0.1:4280', undefined, [], false],
    ['http://localhost:4280', '127.0.0.1:4280', [], false],
    ['https://evil.example', '127.0.0.1:4280', [], false],
    ['null', '127.0.0.1:4280', [], false],
    ['file://', '127.0.0.1:4280', [], false],
    ['https://class.example', 'kindlab.internal:4280', ['https://class.example'], true],
    [undefined, '127.0.0.1:4280', [], true],
  ] as const)('%s against host %s → %s', (origin, host, extra, expected) => {
    expect(isAllowedOrigin(origin, host, extra)).toBe(expected)
  })
})
