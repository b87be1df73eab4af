// Runs INSIDE a data-plane network namespace (started with `ip netns exec`), as its own process:
//   stand-ins.ts pods <control.sock>   the pods' stand-ins: the harness PUTs the wanted pods
//                                      (IP, ports, what answers) as JSON to /pods on the Unix socket
//   stand-ins.ts relay <listen-host> <listen-port> <target-host> <target-port>
//                                      a TCP relay (Envoy's admin listens on the namespace's loopback)
// Every stand-in answers where a lab check looks: HTTP naming its Service and version (the shop's
// frontend page says "Online Boutique" and shows FRONTEND_MESSAGE), or Redis' PING -> +PONG.
import { createServer as createHttpServer, Server as HttpServer, type IncomingMessage } from 'node:http'
import { connect, createServer as createTcpServer, type Server } from 'node:net'
import { rmSync } from 'node:fs'

/** One pod the harness wants answering. */
export interface StandInPod {
  ip: string
  /** Service-ish name (the pod's `app` label) and `version` label, echoed in HTTP answers. */
  app: string
  version: string
  /** What each container port speaks. */
  ports: Array<{ port: number; protocol: 'http' | 'redis' }>
  /** The shop's frontend page (title "Online Boutique"). */
  shopFrontend: boolean
  /** FRONTEND_MESSAGE of the frontend container, shown on its page. */
  message?: string
}

const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c)

function httpStandIn(pod: StandInPod): HttpServer {
  return createHttpServer((req, res) => {
    const who = `service ${pod.app} version ${pod.version}`
    const body = pod.shopFrontend
      ? `<!DOCTYPE html><html><head><title>Online Boutique</title></head><body><h1>Online Boutique</h1>` +
        `${pod.message ? `<div class="banner">${escapeHtml(pod.message)}</div>` : ''}<p>${escapeHtml(who)}</p></body></html>\n`
      : `${who}\n`
    res.writeHead(200, {
      'content-type': pod.shopFrontend ? 'text/html; charset=utf-8' : 'text/plain',
      'x-stand-in': `${pod.app}/${pod.version}`,
      'x-request-path': encodeURI(req.url ?? '/'),
    })
    res.end(req.method === 'HEAD' ? undefined : body)
  })
}

/** Answers inline (`PING\r\n`) and RESP (`*1\r\n$4\r\nPING\r\n`) pings; anything else gets an error. */
function redisStandIn(): Server {
  return createTcpServer((socket) => {
    let buffered = ''
    socket.setEncoding('latin1')
    socket.on('data', (chunk: string) => {
      buffered += chunk
      if (buffered.length > 64 * 1024) {
        socket.destroy()
        return
      }
      for (;;) {
        const resp = /^\*1\r\n\$4\r\n(\w{4})\r\n/.exec(buffered)
        const inline = /^([^\r\n*]*)\r?\n/.exec(buffered)
        const match = resp ?? inline
        if (!match) {
          return
        }
        buffered = buffered.slice(match[0].length)
        const word = (match[1] ?? '').trim().split(/\s+/)[0]?.toUpperCase()
        socket.write(word === 'PING' ? '+PONG\r\n' : `-ERR unknown command '${(word ?? '').slice(0, 32)}'\r\n`)
      }
    })
    socket.on('error', () => undefined)
  })
}

function listen(server: Server | HttpServer, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => {
      server.off('error', reject)
      resolve()
    })
  })
}

async function readJson(req: IncomingMessage, maxBytes: number): Promise<unknown> {
  let text = ''
  for await (const chunk of req) {
    text += String(chunk)
    if (text.length > maxBytes) {
      throw new Error('request too large')
    }
  }
  return JSON.parse(text) as unknown
}

function isPodList(value: unknown): value is StandInPod[] {
  return (
    Array.isArray(value) &&
    value.every(
      (p: Partial<StandInPod>) =>
        typeof p.ip === 'string' &&
        /^\d{1,3}(\.\d{1,3}){3}$/.test(p.ip) &&
        typeof p.app === 'string' &&
        typeof p.version === 'string' &&
        Array.isArray(p.ports) &&
        p.ports.every((q) => Number.isInteger(q.port) && q.port > 0 && q.port < 65536),
    )
  )
}

/** Keeps one listener per (pod IP, port), reconciled against each PUT. */
async function runPods(controlSocket: string): Promise<void> {
  const running = new Map<string, { spec: string; server: Server | HttpServer }>()
  const sync = async (pods: StandInPod[]): Promise<string[]> => {
    const wanted = new Map<string, { pod: StandInPod; protocol: 'http' | 'redis'; port: number }>()
    for (const pod of pods) {
      for (const { port, protocol } of pod.ports) {
        wanted.set(`${pod.ip}:${port}`, { pod, protocol, port })
      }
    }
    for (const [key, entry] of running) {
      const want = wanted.get(key)
      if (!want || JSON.stringify(want) !== entry.spec) {
        entry.server.close()
        if (entry.server instanceof HttpServer) {
          entry.server.closeAllConnections()
        }
        running.delete(key)
      }
    }
    const errors: string[] = []
    for (const [key, want] of wanted) {
      if (running.has(key)) {
        continue
      }
      const server = want.protocol === 'redis' ? redisStandIn() : httpStandIn(want.pod)
      try {
        await listen(server, want.pod.ip, want.port)
        running.set(key, { spec: JSON.stringify(want), server })
      } catch (err) {
        errors.push(`${key}: ${err instanceof Error ? err.message : String(err)}`)
      }
    }
    return errors
  }
  rmSync(controlSocket, { force: true })
  const control = createHttpServer((req, res) => {
    if (req.method !== 'PUT' || req.url !== '/pods') {
      res.writeHead(404).end()
      return
    }
    readJson(req, 1024 * 1024)
      .then(async (body) => {
        if (!isPodList(body)) {
          res.writeHead(400).end('expected a list of pods\n')
          return
        }
        const errors = await sync(body)
        res.writeHead(errors.length ? 500 : 200, { 'content-type': 'application/json' })
        res.end(JSON.stringify({ listening: [...running.keys()].sort(), errors }))
      })
      .catch((err: unknown) => res.writeHead(400).end(`${String(err)}\n`))
  })
  await new Promise<void>((resolve, reject) => {
    control.once('error', reject)
    control.listen(controlSocket, resolve)
  })
  process.stdout.write(`stand-ins: control on ${controlSocket}\n`)
}

async function runRelay(host: string, port: number, targetHost: string, targetPort: number): Promise<void> {
  const server = createTcpServer((client) => {
    const upstream = connect(targetPort, targetHost)
    client.pipe(upstream).pipe(client)
    const close = (): void => {
      client.destroy()
      upstream.destroy()
    }
    client.on('error', close)
    upstream.on('error', close)
  })
  await listen(server, host, port)
  process.stdout.write(`relay ${host}:${port} -> ${targetHost}:${targetPort}\n`)
}

const [mode, ...args] = process.argv.slice(2)
const run =
  mode === 'pods' && args[0]
    ? runPods(args[0])
    : mode === 'relay' && args.length === 4
      ? runRelay(args[0] ?? '', Number(args[1]), args[2] ?? '', Number(args[3]))
      : Promise.reject(new Error('usage: stand-ins.ts pods <socket> | relay <host> <port> <target-host> <target-port>'))
run.catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`)
  process.exit(1)
})
process.on('SIGTERM', () => process.exit(0))
