// The live flags `check`, `serve` and `up` share, through the real CLI: what is refused (exit 2,
// one sentence and a hint) before anything connects or listens. Grading live against a real
// gateway is proven in test/cluster/dataplane/ (check: steps.test.ts, serve: serve-live.test.ts).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { parseEnvoyAdmin, parseLiveFlags } from './live-flags.ts'
import { runKindlab } from './run-cli.test-helper.ts'

const dir = mkdtempSync(join(tmpdir(), 'kindlab-live-flags-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
/** A kubeconfig file with one context, `lab`, pointing at a loopback port nothing listens on. */
const kubeconfig = join(dir, 'kubeconfig')
writeFileSync(
  kubeconfig,
  `apiVersion: v1
kind: Config
clusters: [{ name: lab, cluster: { server: 'https://127.0.0.1:1' } }]
users: [{ name: lab, user: { token: not-a-secret } }]
contexts: [{ name: lab, context: { cluster: lab, user: lab } }]
current-context: lab
`,
)

describe('kindlab check, live flags', () => {
  it('refuses --gateway and --envoy-admin without a cluster', async () => {
    const run = await runKindlab(['check', 'istio-ingress', '--step', '4', '--gateway', '10.0.0.4'])
    expect(run.code).toBe(2)
    expect(run.stderr).toMatch(/--gateway and --envoy-admin need a cluster/)
  })

  it('refuses --resources together with a cluster (live grading reads the cluster)', async () => {
    const run = await runKindlab([
      'check',
      'istio-ingress',
      '--step',
      '4',
      '--kubeconfig',
      kubeconfig,
      '--resources',
      'labs/istio-ingress/solution/04-expose-the-shop',
    ])
    expect(run.code).toBe(2)
    expect(run.stderr).toMatch(/reads your resources from the cluster/)
  })

  it('refuses a --kubeconfig that does not exist, before connecting', async () => {
    const run = await runKindlab(['check', 'istio-ingress', '--step', '4', '--kubeconfig', join(dir, 'missing')])
    expect(run.code).toBe(2)
    expect(run.stderr).toMatch(/--kubeconfig \S+missing does not exist\./)
  })

  it('asks for --resources or a cluster when given neither', async () => {
    const run = await runKindlab(['check', 'istio-ingress', '--step', '4'])
    expect(run.code).toBe(2)
    expect(run.stderr).toMatch(/Nothing to grade/)
  })

  it('refuses a gateway address with a scheme, a port or a path', async () => {
    for (const bad of ['http://10.0.0.4', '10.0.0.4:8080', 'gw/x', 'a b']) {
      const run = await runKindlab(['check', 'istio-ingress', '--step', '4', '--context', 'x', '--gateway', bad])
      expect(run.code, bad).toBe(2)
      expect(run.stderr, bad).toMatch(/is not a host name or IP address/)
    }
  })
})

describe('kindlab serve and up, the same live flags', () => {
  it('serve refuses --gateway and --envoy-admin without a cluster', async () => {
    for (const flag of [
      ['--gateway', '10.0.0.4'],
      ['--envoy-admin', 'http://10.0.0.4:15000'],
    ]) {
      const run = await runKindlab(['serve', '--port', '0', '--data', dir, ...flag])
      expect(run.code, flag[0]).toBe(2)
      expect(run.stderr, flag[0]).toMatch(/--gateway and --envoy-admin need a cluster to grade against\./)
      expect(run.stderr).toMatch(/--kubeconfig PATH or --context NAME/)
      expect(run.stdout).not.toMatch(/serving the labs/)
    }
  })

  it('serve refuses a malformed --gateway or --envoy-admin with a cluster', async () => {
    const gw = await runKindlab(['serve', '--port', '0', '--data', dir, '--kubeconfig', kubeconfig, '--gateway', 'x:1'])
    expect(gw.code).toBe(2)
    expect(gw.stderr).toMatch(/--gateway x:1 is not a host name or IP address\./)
    const admin = await runKindlab([
      'serve',
      '--port',
      '0',
      '--data',
      dir,
      '--kubeconfig',
      kubeconfig,
      '--envoy-admin',
      'https://10.0.0.4:15000',
    ])
    expect(admin.code).toBe(2)
    expect(admin.stderr).toMatch(
      /--envoy-admin https:\/\/10\.0\.0\.4:15000 is not an http:\/\/host:port URL or pod:PORT\./,
    )
  })

  it('serve refuses --offline with a cluster, a missing kubeconfig and an unknown context', async () => {
    const offline = await runKindlab(['serve', '--port', '0', '--data', dir, '--offline', '--kubeconfig', kubeconfig])
    expect(offline.code).toBe(2)
    expect(offline.stderr).toMatch(/--offline grades workspace files/)
    const missing = await runKindlab(['serve', '--port', '0', '--data', dir, '--kubeconfig', join(dir, 'nope')])
    expect(missing.code).toBe(2)
    expect(missing.stderr).toMatch(/does not exist/)
    const context = await runKindlab([
      'serve',
      '--port',
      '0',
      '--data',
      dir,
      '--kubeconfig',
      kubeconfig,
      '--context',
      'other',
    ])
    expect(context.code).toBe(2)
    expect(context.stderr).toMatch(/the context "other" is not in the kubeconfig \(it has: lab\)/)
  })

  it('serve refuses a --var that is not NAME=value', async () => {
    for (const bad of ['LEARNER_NAMESPACE', 'learner=x', '=x']) {
      const run = await runKindlab(['serve', '--port', '0', '--data', dir, '--kubeconfig', kubeconfig, '--var', bad])
      expect(run.code, bad).toBe(2)
      expect(run.stderr, bad).toMatch(/--var \S* is not NAME=value\./)
    }
  })

  it('up refuses --gateway without an existing cluster, before the doctor runs', async () => {
    const run = await runKindlab(['up', '--port', '0', '--data', dir, '--gateway', '10.0.0.4'])
    expect(run.code).toBe(2)
    expect(run.stderr).toMatch(/--gateway and --envoy-admin need a cluster/)
    expect(run.stdout).not.toMatch(/Checking this machine/)
  })
})

describe('parseLiveFlags', () => {
  it('returns the kube target, the gateway address and the admin address', () => {
    expect(
      parseLiveFlags({ kubeconfig, context: 'lab', gateway: '[fd00::4]', envoyAdmin: 'http://10.1.0.4:15000' }),
    ).toEqual({
      kube: { kubeconfigPath: kubeconfig, context: 'lab' },
      gateway: 'fd00::4',
      envoyAdmin: { host: '10.1.0.4', port: 15000 },
    })
    expect(parseLiveFlags({})).toBeUndefined()
    expect(() => parseLiveFlags({ context: ' ' })).toThrow(/--context needs a value/)
  })

  it('reads an http://host:port admin URL and refuses anything else', () => {
    expect(parseEnvoyAdmin('http://10.1.0.4:15000')).toEqual({ host: '10.1.0.4', port: 15000 })
    expect(parseEnvoyAdmin('http://[::1]:15000')).toEqual({ host: '::1', port: 15000 })
    expect(parseEnvoyAdmin('http://gw.local:80')).toEqual({ host: 'gw.local', port: 80 })
    for (const bad of [
      'https://10.1.0.4:15000',
      'http://10.1.0.4',
      '10.1.0.4:15000',
      'file:///etc/passwd',
      'http://10.1.0.4:15000/config_dump',
      'http://u:p@10.1.0.4:15000',
    ]) {
      expect(() => parseEnvoyAdmin(bad), bad).toThrow(/is not an http:\/\/host:port URL/)
    }
  })

  it("reads pod:PORT (Envoy's admin API on each gateway pod's own IP) and refuses a bad port", () => {
    expect(parseEnvoyAdmin('pod:15000')).toEqual({ podPort: 15000 })
    expect(parseLiveFlags({ kubeconfig, envoyAdmin: 'pod:15000' })?.envoyAdmin).toEqual({ podPort: 15000 })
    for (const bad of ['pod:', 'pod:0', 'pod:65536', 'pod:15000x', 'pod:015000', 'pod: 15000', 'pod:1.5']) {
      expect(() => parseEnvoyAdmin(bad), bad).toThrow(/is not pod:PORT with a port from 1 to 65535/)
    }
    expect(() => parseEnvoyAdmin('pods:15000')).toThrow(/is not an http:\/\/host:port URL or pod:PORT/)
  })
})
