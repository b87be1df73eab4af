// `kindlab routes` work without the command line: istioctl-style tables and the JSON contract from a
// saved config_dump, and one AppError sentence for input that is not a config dump.
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { AppError } from '../../errors.ts'
import { loadConfigDump, type RoutesIO, runRoutes } from './routes.ts'
import { readFileSync } from 'node:fs'

const fixtures = fileURLToPath(new URL('../../../test/fixtures/envoy/', import.meta.url))
const boutique = `${fixtures}gateway-boutique.configdump.json`

function io(stdin = ''): RoutesIO & { text: () => string } {
  let out = ''
  return { write: (t) => void (out += t), readStdin: () => Promise.resolve(stdin), text: () => out }
}

async function run(args: Partial<Parameters<typeof runRoutes>[0]>, stdin?: string): Promise<string> {
  const sink = io(stdin)
  await runRoutes({ configDump: boutique, ...args }, sink)
  return sink.text()
}

describe('kindlab routes', () => {
  it('prints the istioctl routes table by default', async () => {
    expect(await run({})).toBe(readFileSync(`${fixtures}gateway-boutique.routes.txt`, 'utf8'))
  })

  it('prints the listeners and clusters tables on request', async () => {
    expect(await run({ listeners: true })).toBe(readFileSync(`${fixtures}gateway-boutique.listeners.txt`, 'utf8'))
    expect(await run({ clusters: true })).toBe(readFileSync(`${fixtures}gateway-boutique.clusters.txt`, 'utf8'))
    const both = await run({ listeners: true, clusters: true })
    expect(both.startsWith('ADDRESSES')).toBe(true)
    expect(both).toContain('\nSERVICE FQDN')
  })

  it('filters one route configuration by name', async () => {
    const text = await run({ name: 'https.443.https.boutique-gateway.default' })
    expect(text.split('\n').filter((l) => l !== '')).toHaveLength(2)
  })

  it('reads standard input for -', async () => {
    expect(await run({ configDump: '-' }, readFileSync(boutique, 'utf8'))).toBe(await run({}))
  })

  it('prints the JSON contract', async () => {
    const json = JSON.parse(await run({ json: true })) as Record<string, unknown>
    expect(Object.keys(json)).toEqual(['listeners', 'routeConfigs', 'clusters', 'routeConfigVersions', 'sections'])
    expect(Object.keys(json['routeConfigs'] as object)).toEqual([
      'http.8080',
      'https.443.https.boutique-gateway.default',
    ])
    expect((json['listeners'] as Array<{ name: string; filter_chains: unknown[] }>)[1]).toEqual({
      name: '0.0.0.0_8443',
      address: '0.0.0.0',
      port: 8443,
      filter_chains: [
        {
          server_names: ['shop.example.com'],
          tls: 'terminate',
          route_config_name: 'https.443.https.boutique-gateway.default',
        },
        {
          server_names: ['tls.shop.example.com'],
          tls: 'passthrough',
          tcp_proxy: { cluster: 'outbound|443||secure-frontend.default.svc.cluster.local' },
        },
      ],
    })
    expect(json['sections']).toEqual({ routes: true, listeners: true, clusters: true })
  })
})

describe('kindlab routes errors', () => {
  async function failure(args: Partial<Parameters<typeof runRoutes>[0]>, stdin?: string): Promise<AppError> {
    const error = await run(args, stdin).then(
      () => undefined,
      (err: unknown) => err,
    )
    expect(error).toBeInstanceOf(AppError)
    return error as AppError
  }

  it.each<[string, Partial<Parameters<typeof runRoutes>[0]>, string | undefined, string, RegExp]>([
    [
      'a missing file',
      { configDump: `${fixtures}nope.json` },
      undefined,
      'LAB_ERR_INPUT_FILE',
      /^Cannot read the config dump file .*nope\.json\.$/,
    ],
    [
      'text that is not JSON',
      { configDump: '-' },
      'NAME  VHOST NAME\n',
      'LAB_ERR_VALIDATION',
      /^standard input is not JSON: /,
    ],
    [
      'a Kubernetes object',
      { configDump: `${fixtures}not-a-config-dump.json` },
      undefined,
      'LAB_ERR_VALIDATION',
      /is not a usable Envoy config dump: this is not an Envoy config dump/,
    ],
    [
      'a bootstrap-only dump',
      { configDump: `${fixtures}bootstrap-only.configdump.json` },
      undefined,
      'LAB_ERR_VALIDATION',
      /no routes, listeners or clusters section/,
    ],
    [
      'listeners from a routes-only dump',
      { configDump: '-', listeners: true },
      '{"configs":[{"@type":"type.googleapis.com/envoy.admin.v3.RoutesConfigDump"}]}',
      'LAB_ERR_VALIDATION',
      /^standard input has no listeners section\.$/,
    ],
  ])('%s', async (_name, args, stdin, code, message) => {
    const error = await failure(args, stdin)
    expect(error.code).toBe(code)
    expect(error.message).toMatch(message)
    expect(error.hint).toMatch(/config_dump|--config-dump/)
  })

  it('keeps the JSON path of a malformed section', async () => {
    const text = JSON.stringify({
      configs: [
        {
          '@type': 'type.googleapis.com/envoy.admin.v3.RoutesConfigDump',
          dynamic_route_configs: [{ route_config: { virtual_hosts: 3 } }],
        },
      ],
    })
    const error = await loadConfigDump(text, 'dump.json').then(
      () => undefined,
      (err: unknown) => err as AppError,
    )
    expect(error?.details).toEqual({ path: 'configs[0].dynamic_route_configs[0].route_config.virtual_hosts' })
  })
})
