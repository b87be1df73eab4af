// Error translation at the Kubernetes boundary, with the errors client-node really throws: an
// ApiException from a loopback API answering 403/422, node-fetch's ECONNREFUSED, the no-kubeconfig
// default, and missing kubeconfig files and contexts.
import { createServer, type Server } from 'node:http'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadKubeConfig } from './kube-config.ts'
import { translateKubeError } from './kube-errors.ts'

let server: Server
let port = 0
let dir: string

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kindlab-kube-'))
  server = createServer((req, res) => {
    const forbidden = req.url?.includes('/namespaces/secret/')
    const status = forbidden ? 403 : 422
    const message = forbidden
      ? 'pods is forbidden: User "learner" cannot list resource "pods"'
      : 'Service "x" is invalid: spec.ports[0].nodePort: Invalid value: 30080: provided port is already allocated'
    res
      .writeHead(status, { 'content-type': 'application/json' })
      .end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', message, code: status }))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  port = (server.address() as { port: number }).port
})

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()))
  await rm(dir, { recursive: true, force: true })
})

function kubeConfig(serverUrl: string): KubeConfig {
  const kc = new KubeConfig()
  kc.loadFromOptions({
    clusters: [{ name: 'c', server: serverUrl, skipTLSVerify: true }],
    users: [{ name: 'u', token: 't' }],
    contexts: [{ name: 'ctx', cluster: 'c', user: 'u' }],
    currentContext: 'ctx',
  })
  return kc
}

async function caught(fn: () => Promise<unknown>): Promise<unknown> {
  return fn().then(
    () => undefined,
    (err: unknown) => err,
  )
}

describe('translateKubeError', () => {
  it('turns a 403 ApiException into LAB_ERR_KUBE_FORBIDDEN with the API message, not the raw body', async () => {
    const core = kubeConfig(`http://127.0.0.1:${port}`).makeApiClient(CoreV1Api)
    const err = translateKubeError(
      await caught(() => core.listNamespacedPod({ namespace: 'secret' })),
      'listing Pods',
      '"ctx"',
    )
    expect(err.code).toBe('LAB_ERR_KUBE_FORBIDDEN')
    expect(err.message).toContain('cannot list resource "pods"')
    expect(err.message).not.toContain('"kind":"Status"')
  })

  it('turns a 422 into LAB_ERR_KUBE_API naming the invalid field', async () => {
    const core = kubeConfig(`http://127.0.0.1:${port}`).makeApiClient(CoreV1Api)
    const err = translateKubeError(
      await caught(() => core.listNamespacedPod({ namespace: 'shop' })),
      'applying Service x',
      '"ctx"',
    )
    expect(err.code).toBe('LAB_ERR_KUBE_API')
    expect(err.message).toContain('provided port is already allocated')
  })

  it('turns a refused connection into LAB_ERR_KUBE_UNREACHABLE', async () => {
    const closed = createServer()
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
    const deadPort = (closed.address() as { port: number }).port
    await new Promise<void>((resolve) => closed.close(() => resolve()))
    const core = kubeConfig(`https://127.0.0.1:${deadPort}`).makeApiClient(CoreV1Api)
    const err = translateKubeError(await caught(() => core.listNamespace()), 'listing namespaces', '"ctx"')
    expect(err.code).toBe('LAB_ERR_KUBE_UNREACHABLE')
    expect(err.message).toContain('ECONNREFUSED')
  })

  it('says "no cluster configured" for client-node\'s silent localhost:8080 default', async () => {
    const kc = new KubeConfig()
    kc.loadFromClusterAndUser(
      { name: 'cluster', server: 'http://localhost:8080', skipTLSVerify: false },
      { name: 'user' },
    )
    const err = translateKubeError(
      await caught(() => kc.makeApiClient(CoreV1Api).listNamespace()),
      'listing namespaces',
      'default',
    )
    expect(err.code).toBe('LAB_ERR_KUBE_NOT_CONFIGURED')
    expect(err.message).toMatch(/^No cluster configured/)
  })
})

describe('loadKubeConfig', () => {
  it('names a missing kubeconfig file and an unknown context', async () => {
    expect(() => loadKubeConfig({ kubeconfigPath: join(dir, 'nope') })).toThrow(
      expect.objectContaining({ code: 'LAB_ERR_KUBE_NOT_CONFIGURED' }),
    )
    const file = join(dir, 'kubeconfig')
    await writeFile(file, kubeConfig(`https://127.0.0.1:${port}`).exportConfig())
    expect(loadKubeConfig({ kubeconfigPath: file }).context).toBe('ctx')
    expect(() => loadKubeConfig({ kubeconfigPath: file, context: 'kind-other' })).toThrow(
      /"kind-other" is not in the kubeconfig \(it has: ctx\)/,
    )
  })
})
