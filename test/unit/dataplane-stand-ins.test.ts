// The data plane's stand-ins (test/cluster/dataplane/) without network namespaces: the pure mapping
// from pods to what answers, and the stand-ins process itself on loopback (its control socket,
// the shop frontend page, Redis PING, reconciling a removed pod away).
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { request } from 'node:http'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { V1Pod } from '@kubernetes/client-node'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { standInFor } from '../cluster/dataplane/pods.ts'
import type { StandInPod } from '../cluster/dataplane/stand-ins.ts'
import { freePorts } from '../cluster/ports.ts'
import { poll } from '../cluster/poll.ts'

const owns = (ip: string): boolean => ip.startsWith('10.230.')

function pod(spec: Partial<V1Pod> & { ip?: string; phase?: string }): V1Pod {
  return {
    metadata: { name: 'p', namespace: 'default', labels: { app: 'frontend' }, ...spec.metadata },
    spec: spec.spec ?? { containers: [] },
    status: { podIP: spec.ip ?? '10.230.0.7', phase: spec.phase ?? 'Running' },
  }
}

describe('standInFor', () => {
  it('serves the shop page for the frontend image, with its FRONTEND_MESSAGE and version', () => {
    const p = pod({
      metadata: { labels: { app: 'frontend-v2', version: 'v2' } },
      spec: {
        containers: [
          {
            name: 'server',
            image: 'us-central1-docker.pkg.dev/google-samples/microservices-demo/frontend:v0.10.5',
            ports: [{ containerPort: 8080 }],
            env: [{ name: 'FRONTEND_MESSAGE', value: 'canary v2' }],
          },
        ],
      },
    })
    expect(standInFor(p, owns)).toEqual({
      ip: '10.230.0.7',
      app: 'frontend-v2',
      version: 'v2',
      ports: [{ port: 8080, protocol: 'http' }],
      shopFrontend: true,
      message: 'canary v2',
    })
  })

  it('speaks Redis on 6379 and skips UDP ports, pods not Running and IPs outside the range', () => {
    const spec = {
      containers: [
        {
          name: 'redis',
          image: 'redis:alpine',
          ports: [{ containerPort: 6379 }, { containerPort: 53, protocol: 'UDP' }],
        },
      ],
    }
    expect(standInFor(pod({ spec }), owns)?.ports).toEqual([{ port: 6379, protocol: 'redis' }])
    expect(standInFor(pod({ spec, phase: 'Pending' }), owns)).toBeUndefined()
    expect(standInFor(pod({ spec, ip: '10.244.0.7' }), owns)).toBeUndefined()
  })
})

describe('the stand-ins process (on loopback)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kindlab-stand-ins-'))
  const socket = join(dir, 'control.sock')
  const script = new URL('../cluster/dataplane/stand-ins.ts', import.meta.url).pathname
  const child = spawn(process.execPath, ['--import', 'tsx', script, 'pods', socket], { stdio: 'ignore' })
  let web = 0
  let redis = 0

  const put = (pods: StandInPod[]): Promise<{ status: number; body: string }> =>
    new Promise((resolve, reject) => {
      const req = request({ socketPath: socket, path: '/pods', method: 'PUT' }, (res) => {
        let body = ''
        res.on('data', (c: Buffer) => (body += String(c)))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
      })
      req.on('error', reject)
      req.end(JSON.stringify(pods))
    })

  beforeAll(async () => {
    ;[web = 0, redis = 0] = await freePorts(2)
    await poll(() => put([]).then((r) => (r.status === 200 ? true : undefined)), {
      what: 'the control socket',
      timeoutMs: 15_000,
    })
  })

  afterAll(() => {
    child.kill('SIGTERM')
    rmSync(dir, { recursive: true, force: true })
  })

  const shop: () => StandInPod = () => ({
    ip: '127.0.0.1',
    app: 'frontend',
    version: 'v1',
    ports: [
      { port: web, protocol: 'http' },
      { port: redis, protocol: 'redis' },
    ],
    shopFrontend: true,
    message: '<b>canary</b>',
  })

  it('answers HTTP with the shop page (message escaped) and Redis PING with +PONG', async () => {
    expect(JSON.parse((await put([shop()])).body)).toEqual({
      listening: [`127.0.0.1:${redis}`, `127.0.0.1:${web}`].sort(),
      errors: [],
    })
    const page = await (await fetch(`http://127.0.0.1:${web}/product/1`)).text()
    expect(page).toContain('<title>Online Boutique</title>')
    expect(page).toContain('service frontend version v1')
    expect(page).toContain('&lt;b&gt;canary&lt;/b&gt;')
    const replies = await new Promise<string>((resolve, reject) => {
      let got = ''
      const s = connect(redis, '127.0.0.1', () => s.write('PING\r\n*1\r\n$4\r\nPING\r\nFLUSHALL\r\n'))
      s.on('data', (d) => {
        got += String(d)
        if (got.split('\r\n').length > 3) {
          s.destroy()
          resolve(got)
        }
      })
      s.on('error', reject)
    })
    expect(replies).toBe("+PONG\r\n+PONG\r\n-ERR unknown command 'FLUSHALL'\r\n")
  })

  it('stops answering for a pod that is gone, and refuses a malformed pod list', async () => {
    await put([])
    await expect(fetch(`http://127.0.0.1:${web}/`)).rejects.toThrow()
    expect((await put([{ ...shop(), ip: '127.0.0.1; rm -rf /' }])).status).toBe(400)
  })
})
