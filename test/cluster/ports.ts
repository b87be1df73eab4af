// Picks free loopback TCP ports by binding to port 0, so two control planes can run side by side.
import { createServer, type Server } from 'node:net'

function listen(): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve(server))
  })
}

/** Returns `count` distinct free ports (all held open together, then released). */
export async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(Array.from({ length: count }, listen))
  const ports = servers.map((s) => {
    const address = s.address()
    if (address === null || typeof address === 'string') {
      throw new Error('unexpected listen address')
    }
    return address.port
  })
  await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))))
  return ports
}
