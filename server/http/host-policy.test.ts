import { describe, expect, it } from 'vitest'
import { createHostPolicy, hostnameOf } from './host-policy.ts'

const loopback = createHostPolicy({ listenHost: '127.0.0.1', allowedOrigins: [] })
const wildcard = createHostPolicy({ listenHost: '0.0.0.0', allowedOrigins: [] })
const named = createHostPolicy({ listenHost: 'lab-box.lan', allowedOrigins: [] })
const proxied = createHostPolicy({
  listenHost: '127.0.0.1',
  publicUrl: 'https://kindlab.class.example',
  allowedOrigins: ['https://wiki.class.example'],
})

describe('Host allow-list', () => {
  it.each([
    ['127.0.0.1:4280', true],
    ['127.8.9.10:4280', true],
    ['localhost:4280', true],
    ['LOCALHOST:4280', true],
    ['localhost.:4280', true],
    ['app.localhost:4280', true],
    ['[::1]:4280', true],
    ['evil.example:4280', false],
    ['localhost.evil.example:4280', false],
    ['127.0.0.1.evil.example', false],
    ['10.0.0.5:4280', false],
    ['', false],
    [undefined, false],
    ['evil.example@127.0.0.1', false],
    ['127.0.0.1/x', false],
  ])('listening on 127.0.0.1: Host %j → %s', (host, expected) => {
    expect(loopback.allowsHost(host)).toBe(expected)
  })

  it('adds the --host name, and on a wildcard any IP literal but no name', () => {
    expect(named.allowsHost('lab-box.lan:4280')).toBe(true)
    expect(named.allowsHost('10.0.0.5:4280')).toBe(false)
    expect(wildcard.allowsHost('10.0.0.5:4280')).toBe(true)
    expect(wildcard.allowsHost('[fd00::5]:4280')).toBe(true)
    expect(wildcard.allowsHost('evil.example:4280')).toBe(false)
    expect(createHostPolicy({ listenHost: '::', allowedOrigins: [] }).allowsHost('0.0.0.0')).toBe(true)
  })

  it('adds the --public-url name', () => {
    expect(proxied.allowsHost('kindlab.class.example')).toBe(true)
    expect(proxied.allowsHost('kindlab.class.example:443')).toBe(true)
    expect(proxied.allowsHost('class.example')).toBe(false)
  })

  it('reads host names the way browsers write them', () => {
    expect(hostnameOf('Example.COM:80')).toBe('example.com')
    expect(hostnameOf('127.1:4280')).toBe('127.0.0.1')
    expect(hostnameOf('[::1]')).toBe('[::1]')
    expect(hostnameOf('a b')).toBeUndefined()
  })
})

describe('Origin check (scheme, host and port)', () => {
  it.each([
    [loopback, 'http://127.0.0.1:4280', '127.0.0.1:4280', true],
    [loopback, undefined, '127.0.0.1:4280', true],
    [loopback, 'https://127.0.0.1:4280', '127.0.0.1:4280', false],
    [loopback, 'http://127.0.0.1:4281', '127.0.0.1:4280', false],
    [loopback, 'http://localhost:4280', '127.0.0.1:4280', false],
    // a rebinding page's Origin matches its Host: the Host itself must be refused
    [loopback, 'http://evil.example:4280', 'evil.example:4280', false],
    [proxied, 'https://kindlab.class.example', 'kindlab.class.example', true],
    [proxied, 'http://kindlab.class.example', 'kindlab.class.example', false],
    [proxied, 'https://wiki.class.example', 'kindlab.class.example', true],
    [proxied, 'https://kindlab.class.example', '127.0.0.1:4280', true],
    [proxied, 'https://other.class.example', '127.0.0.1:4280', false],
  ] as const)('%#: Origin %s with Host %s → %s', (policy, origin, host, expected) => {
    expect(policy.allowsOrigin(origin, host)).toBe(expected)
  })
})
