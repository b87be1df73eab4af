// `kindlab check`'s live flags through the real CLI: what is refused before anything connects.
// Grading live against a real gateway is proven in test/cluster/dataplane/steps.test.ts.
import { describe, expect, it } from 'vitest'
import { parseEnvoyAdmin } from './check-live.ts'
import { runKindlab } from './run-cli.test-helper.ts'

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
      '/nonexistent/kubeconfig',
      '--resources',
      'labs/istio-ingress/solution/04-expose-the-shop',
    ])
    expect(run.code).toBe(2)
    expect(run.stderr).toMatch(/reads your resources from the cluster/)
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

  it('reads an http://host:port admin URL and refuses anything else', () => {
    expect(parseEnvoyAdmin('http://10.1.0.4:15000')).toEqual({ host: '10.1.0.4', port: 15000 })
    expect(parseEnvoyAdmin('http://[::1]:15000')).toEqual({ host: '::1', port: 15000 })
    for (const bad of ['https://10.1.0.4:15000', 'http://10.1.0.4', '10.1.0.4:15000', 'file:///etc/passwd']) {
      expect(() => parseEnvoyAdmin(bad), bad).toThrow(/is not an http:\/\/host:port URL/)
    }
  })
})
