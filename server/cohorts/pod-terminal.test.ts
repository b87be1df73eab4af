// The pod exec terminal backend with client-node's real Exec against a loopback fake of the exec
// endpoint: kwok's fake kubelets cannot exec, so the real API server cannot serve this stream
// here. The fake speaks the channel.k8s.io framing (stream byte, then data): stdin on 0, stdout
// on 1, status on 3, resize on 4.
import { createServer, type Server } from 'node:http'
import { KubeConfig } from '@kubernetes/client-node'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { WebSocketServer, type WebSocket } from 'ws'
import { decodeServerFrame } from '../protocol/terminal-frames.ts'
import type { TerminalViewer } from '../terminal/terminal-session.ts'
import { createPodExec } from '../adapters/kube/pods.ts'
import { createPodTerminalSession, type PodExec } from './pod-terminal.ts'

let server: Server
let wss: WebSocketServer
let port = 0
const seen: { paths: string[]; resizes: string[]; stdin: string } = { paths: [], resizes: [], stdin: '' }

beforeEach(async () => {
  seen.paths = []
  seen.resizes = []
  seen.stdin = ''
  server = createServer()
  wss = new WebSocketServer({
    server,
    handleProtocols: (protocols) => (protocols.has('v4.channel.k8s.io') ? 'v4.channel.k8s.io' : false),
  })
  wss.on('connection', (ws: WebSocket, req) => {
    seen.paths.push(req.url ?? '')
    const send = (stream: number, text: string) => ws.send(Buffer.concat([Buffer.from([stream]), Buffer.from(text)]))
    send(1, '$ ')
    ws.on('message', (data: Buffer) => {
      const stream = data[0]
      const body = data.subarray(1).toString()
      if (stream === 0) {
        seen.stdin += body
        if (body.includes('flood')) {
          for (let i = 0; i < 48; i++) {
            send(1, 'x'.repeat(64 * 1024))
          }
          return
        }
        if (body.includes('exit')) {
          send(3, JSON.stringify({ metadata: {}, status: 'Success' }))
          ws.close()
          return
        }
        send(1, body.replace('\r', '\r\n'))
      } else if (stream === 4) {
        seen.resizes.push(body)
      }
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  port = (server.address() as { port: number }).port
})
afterEach(async () => {
  wss.close()
  await new Promise((resolve) => server.close(resolve))
})

function kubeConfig(): KubeConfig {
  const kc = new KubeConfig()
  kc.loadFromOptions({
    clusters: [{ name: 'fake', server: `http://127.0.0.1:${port}`, skipTLSVerify: true }],
    users: [{ name: 'u', token: 't' }],
    contexts: [{ name: 'c', cluster: 'fake', user: 'u' }],
    currentContext: 'c',
  })
  return kc
}

function viewer(readOnly = false) {
  const frames: string[] = []
  let closed: number | undefined
  const v: TerminalViewer = {
    readOnly,
    send: (f) => {
      const d = decodeServerFrame(f)
      frames.push(
        d.ok ? (d.frame.type === 'output' ? Buffer.from(d.frame.data).toString() : `<${d.frame.type}>`) : '<bad>',
      )
    },
    close: (code, error) => {
      closed = code
      if (error) {
        frames.push(`<error ${error.code}>`)
      }
    },
  }
  return { v, text: () => frames.join(''), closed: () => closed }
}

const until = async (ok: () => boolean) => {
  for (let i = 0; i < 100 && !ok(); i++) {
    await new Promise((r) => setTimeout(r, 20))
  }
  expect(ok()).toBe(true)
}

describe('pod terminal (exec)', () => {
  it('opens a tty exec in the workspace pod, relays input and output, resizes, and watchers only watch', async () => {
    const session = createPodTerminalSession({
      exec: createPodExec(kubeConfig()),
      target: { namespace: 'kl-c-trainee01', pod: 'workspace', container: 'shell' },
      size: { cols: 100, rows: 30 },
    })
    await session.ready
    expect(seen.paths[0]).toMatch(/^\/api\/v1\/namespaces\/kl-c-trainee01\/pods\/workspace\/exec\?/)
    expect(seen.paths[0]).toContain('tty=true')
    expect(seen.paths[0]).toContain('container=shell')
    const writer = viewer()
    const watcher = viewer(true)
    const w = session.attach(writer.v)
    const r = session.attach(watcher.v)
    w.input(new TextEncoder().encode('echo hi\r'))
    r.input(new TextEncoder().encode('rm -rf /\r'))
    await until(() => writer.text().includes('echo hi'))
    await until(() => watcher.text().includes('echo hi'))
    expect(seen.stdin).not.toContain('rm -rf')
    w.resize({ cols: 120, rows: 40 })
    expect(seen.resizes[0]?.toLowerCase()).toContain('"width":100')
    await until(() => seen.resizes.some((s) => s.toLowerCase().includes('"width":120')))
    expect(writer.text().startsWith('<ready>')).toBe(true)
    w.input(new TextEncoder().encode('exit\r'))
    await until(() => session.isExited)
    expect(writer.closed()).toBeDefined()
  })

  it('pauses the exec stream while a writable viewer is behind, and resumes on ack', async () => {
    const calls: string[] = []
    const real = createPodExec(kubeConfig())
    const exec: PodExec = {
      exec: async (...args) => {
        const conn = await real.exec(...args)
        return {
          close: () => conn.close(),
          pause: () => (calls.push('pause'), conn.pause?.()),
          resume: () => (calls.push('resume'), conn.resume?.()),
          on: (event, fn) => conn.on?.(event, fn),
        }
      },
    }
    const session = createPodTerminalSession({
      exec,
      target: { namespace: 'ns', pod: 'workspace', container: 'shell' },
    })
    await session.ready
    let received = 0
    const v: TerminalViewer = { readOnly: false, send: (f) => void (received += f.byteLength), close: () => undefined }
    const handle = session.attach(v)
    handle.input(new TextEncoder().encode('flood\r'))
    await until(() => calls.includes('pause'))
    expect(session.stats().isPaused).toBe(true)
    handle.ack(received)
    await until(() => calls.includes('resume'))
    await session.dispose()
  })

  it('replays the scrollback to a late watcher', async () => {
    const session = createPodTerminalSession({
      exec: createPodExec(kubeConfig()),
      target: { namespace: 'ns', pod: 'workspace', container: 'shell' },
    })
    await session.ready
    const writer = viewer()
    session.attach(writer.v).input(new TextEncoder().encode('echo early\r'))
    await until(() => writer.text().includes('echo early'))
    const late = viewer(true)
    session.attach(late.v)
    expect(late.text()).toContain('echo early')
    await session.dispose()
    expect(session.isExited).toBe(true)
  })

  it('ends with an error frame when the pod cannot be reached', async () => {
    const kc = kubeConfig()
    wss.close()
    await new Promise((resolve) => server.close(resolve))
    const session = createPodTerminalSession({
      exec: createPodExec(kc),
      target: { namespace: 'ns', pod: 'gone', container: 'shell' },
    })
    const v = viewer()
    session.attach(v.v)
    await expect(session.ready).rejects.toMatchObject({ code: 'LAB_ERR_TERMINAL_UNAVAILABLE' })
    await until(() => session.isExited)
    expect(v.text()).toContain('<error LAB_ERR_TERMINAL_UNAVAILABLE>')
    expect(v.closed()).toBe(1011)
    server = createServer()
    wss = new WebSocketServer({ server })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  })
})

describe('terminal backend choice', () => {
  it('sends trainees of a cohort to their pod and everyone else to a local shell', async () => {
    const { createCohortSessionFactory } = await import('./terminal-backend.ts')
    const local: string[] = []
    const factory = createCohortSessionFactory(createPodExec(kubeConfig()), (o) => {
      local.push(o.workspaceDir)
      return { isExited: false } as never
    })
    factory({ workspaceDir: '/tmp/solo', env: {} })
    expect(local).toEqual(['/tmp/solo'])
    const pod = factory({ workspaceDir: '/tmp/t', env: { TRAINEE_NAMESPACE: 'kl-c-trainee07' } }) as ReturnType<
      typeof createPodTerminalSession
    >
    await pod.ready
    expect(seen.paths.at(-1)).toContain('/namespaces/kl-c-trainee07/pods/workspace/exec')
    await pod.dispose()
  })
})
