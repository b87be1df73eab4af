import { describe, expect, it } from 'vitest'
import { inheritedEnv, loadConfig } from './config.ts'

const base = { KINDLAB_LABS_DIR: '/labs', KINDLAB_DATA_DIR: '/data' }

describe('loadConfig: serving beyond this machine', () => {
  it('reads the public URL from KINDLAB_PUBLIC_URL or the flag, as an origin', () => {
    expect(loadConfig({ ...base, KINDLAB_PUBLIC_URL: 'https://Kindlab.Class.Example/' }).publicUrl).toBe(
      'https://kindlab.class.example',
    )
    expect(loadConfig(base, { publicUrl: 'http://10.0.0.5:4280' }).publicUrl).toBe('http://10.0.0.5:4280')
    expect(loadConfig(base).publicUrl).toBeUndefined()
  })

  it.each([
    'kindlab.class.example',
    'ftp://x.example',
    'https://u:p@x.example',
    'https://x.example/kindlab',
    'https://x.example/?a=1',
  ])('refuses the public URL %s', (publicUrl) => {
    expect(() => loadConfig(base, { publicUrl })).toThrow(expect.objectContaining({ code: 'LAB_ERR_CONFIG_INVALID' }))
  })

  it('needs an access token to listen beyond loopback', () => {
    expect(() => loadConfig({ ...base, KINDLAB_HOST: '0.0.0.0' })).toThrow(/needs an access token/)
    // a name that merely starts like a loopback address is not one
    expect(() => loadConfig({ ...base, KINDLAB_HOST: '127.0.0.1.nip.example' })).toThrow(/needs an access token/)
    expect(loadConfig({ ...base, KINDLAB_HOST: '127.0.0.2' }).host).toBe('127.0.0.2')
    expect(loadConfig({ ...base, KINDLAB_HOST: '0.0.0.0', KINDLAB_ACCESS_TOKEN: '0123456789abcdef' }).host).toBe(
      '0.0.0.0',
    )
  })
})

describe('inheritedEnv', () => {
  it('keeps only the named variables that are set', () => {
    expect(inheritedEnv(['PATH', 'LANG', 'NOPE'], { PATH: '/bin', LANG: 'C', SECRET: 'x' })).toEqual({
      PATH: '/bin',
      LANG: 'C',
    })
  })
})

describe('loadConfig: the schema decides', () => {
  it("fills what is not set from the schema's defaults", () => {
    const config = loadConfig(base)
    expect(config).toMatchObject({
      host: '127.0.0.1',
      port: 4280,
      offline: false,
      allowedOrigins: [],
      logLevel: 'info',
    })
    expect(Object.isFrozen(config)).toBe(true)
  })

  it('lists every invalid setting in one message', () => {
    expect(() => loadConfig({ ...base, KINDLAB_PORT: '70000', KINDLAB_MAX_SESSIONS: 'many' })).toThrow(
      'The server configuration is invalid: /port must be <= 65535; /maxSessions must be integer.',
    )
  })
})
