// Where probes go for each way kindlab runs (host ports on kind, node ports from a container on
// the kind network, the Service in an existing cluster), and the terminal's KUBECONFIG.
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { KubeConfig } from '@kubernetes/client-node'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { probeAddress, type FixedProbeRoute, type ProbeRoute } from '../adapters/live/live-services.ts'
import { loadBlueprint } from '../provision/blueprint.ts'
import { planUp } from '../provision/plan.ts'
import type { LiveEnv } from './live-env.ts'
import { probeRouteFor, targetFor, terminalEnvFor } from './provision-wiring.ts'

const bp = await loadBlueprint()
let dir: string
let env: LiveEnv

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kindlab-cli-'))
  env = {
    dataDir: dir,
    binDir: join(dir, 'bin'),
    kubeconfigPath: join(dir, 'kubeconfig'),
    workDir: join(dir, 'work'),
    imagesArchive: join(dir, 'images.tar'),
    toolEnv: { PATH: '' },
    inContainer: false,
    listenAddress: undefined,
    inCluster: false,
  }
})
afterAll(async () => rm(dir, { recursive: true, force: true }))

const planFor = (e: LiveEnv, context?: string) =>
  planUp(bp, {
    target: targetFor(context ? { context } : {}, e, bp),
    kubeconfigPath: context ? undefined : e.kubeconfigPath,
    workDir: e.workDir,
  })

/** Narrows to the routes with a fixed address (kind). */
function fixed(route: ProbeRoute): FixedProbeRoute {
  if (route.type === 'service' || route.type === 'address') {
    throw new Error('expected a fixed route')
  }
  return route
}

describe('probeRouteFor', () => {
  it('dials the host ports kind maps on this machine', () => {
    const address = probeAddress(fixed(probeRouteFor(planFor(env), bp, env)))
    expect([
      address.host,
      address.portFor(80),
      address.portFor(443),
      address.portFor(6379),
      address.portFor(3306),
    ]).toEqual(['127.0.0.1', 80, 443, 3306, 3306])
  })

  it('dials the node container by name from a container on the kind network', () => {
    const inside = { ...env, inContainer: true, listenAddress: '0.0.0.0' }
    const plan = planFor(inside)
    expect(plan.target).toMatchObject({ internalKubeconfig: true, listenAddress: '0.0.0.0' })
    const address = probeAddress(fixed(probeRouteFor(plan, bp, inside)))
    expect([
      address.host,
      address.portFor(80),
      address.portFor(443),
      address.portFor(6379),
      address.portFor(3306),
    ]).toEqual(['kindlab-control-plane', 30080, 30443, 30306, 30306])
  })

  it('looks the gateway up in an existing cluster (load balancer, DNS name in the cluster, node port)', () => {
    expect(probeRouteFor(planFor(env, 'prod'), bp, env)).toEqual({
      type: 'service',
      gateway: {
        namespace: 'istio-system',
        service: 'istio-ingressgateway',
        selector: { istio: 'ingressgateway' },
        adminPort: 15000,
      },
      inCluster: false,
    })
  })
})

describe('terminalEnvFor', () => {
  it('uses the lab kubeconfig on kind, and for a context a 0600 file with only that context', async () => {
    expect(await terminalEnvFor(planFor(env), env)).toEqual({ KUBECONFIG: env.kubeconfigPath })
    const source = new KubeConfig()
    source.loadFromOptions({
      clusters: [
        { name: 'east', server: 'https://east.example:6443' },
        { name: 'west', server: 'https://west.example:6443' },
      ],
      users: [
        { name: 'me-east', token: 'e' },
        { name: 'me-west', token: 'w' },
      ],
      contexts: [
        { name: 'team/east', cluster: 'east', user: 'me-east' },
        { name: 'west', cluster: 'west', user: 'me-west' },
      ],
      currentContext: 'west',
    })
    const sourceFile = join(dir, 'user.kubeconfig')
    await writeFile(sourceFile, source.exportConfig())
    const plan = { ...planFor(env, 'team/east'), kubeconfigPath: sourceFile }
    const { KUBECONFIG } = await terminalEnvFor(plan, env)
    expect(KUBECONFIG).toBe(join(dir, 'context-team_east.kubeconfig'))
    const written = new KubeConfig()
    written.loadFromFile(KUBECONFIG ?? '')
    expect([
      written.getCurrentContext(),
      written.getContexts().length,
      written.getCurrentCluster()?.server,
      written.getUsers().map((u) => u.name),
    ]).toEqual(['team/east', 1, 'https://east.example:6443', ['me-east']])
    expect((await stat(KUBECONFIG ?? '')).mode & 0o777).toBe(0o600)
  })
})
