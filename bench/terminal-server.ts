// The kindlab side of the terminal benchmark, in its own process (as in production, the server does
// not share an event loop with the client): the terminal plugin on 127.0.0.1:0, one shell per run.
// Prints {"port","token"} on stdout, answers "stats" on stdin, and shuts down when stdin closes.
import websocket from '@fastify/websocket'
import Fastify from 'fastify'
import { randomBytes } from 'node:crypto'
import { createInterface } from 'node:readline'
import { MAX_CLIENT_FRAME_BYTES } from '../server/protocol/terminal-frames.ts'
import { createTerminalManager } from '../server/terminal/terminal-manager.ts'
import { terminalRoute } from '../server/terminal/terminal-route.ts'

const workspaceDir = process.argv[2]
if (workspaceDir === undefined) {
  process.stderr.write('usage: terminal-server.ts <workspace-dir>\n')
  process.exit(64)
}
const token = randomBytes(18).toString('base64url')
const manager = createTerminalManager({ idleTimeoutMs: 0 })
const app = Fastify({ logger: false })
await app.register(websocket, { options: { maxPayload: MAX_CLIENT_FRAME_BYTES } })
await app.register(terminalRoute, {
  manager,
  authenticate: (t) => (t === token ? { sessionId: 'bench', workspaceDir } : undefined),
  isAllowedOrigin: (origin, host) => origin === `http://${host}`,
})
await app.listen({ host: '127.0.0.1', port: 0 })
const address = app.server.address()
const port = typeof address === 'object' && address !== null ? address.port : 0

let peakUnackedBytes = 0
let peakRssBytes = 0
const sampler = setInterval(() => {
  peakUnackedBytes = Math.max(peakUnackedBytes, manager.get('bench')?.stats().maxUnackedBytes ?? 0)
  peakRssBytes = Math.max(peakRssBytes, process.memoryUsage.rss())
}, 10)

async function shutdown(): Promise<void> {
  clearInterval(sampler)
  await manager.closeAll()
  await app.close()
  process.exit(0)
}

const lines = createInterface({ input: process.stdin })
lines.on('line', (line) => {
  if (line.trim() === 'stats') {
    const cpu = process.cpuUsage()
    const cpuMs = (cpu.user + cpu.system) / 1000
    process.stdout.write(`${JSON.stringify({ peakUnackedBytes, peakRssBytes, cpuMs })}\n`)
  }
})
lines.on('close', () => void shutdown())
process.on('SIGTERM', () => void shutdown())
process.stdout.write(`${JSON.stringify({ port, token })}\n`)
