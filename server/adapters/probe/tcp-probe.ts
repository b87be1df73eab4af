// A TCP exchange through the gateway (the lab's TCP step, e.g. Redis behind port 6379): connect,
// optionally send a line, read until the expected text arrives, the peer closes, or time runs out.
import { connect } from 'node:net'
import type { TcpProbeRequest, TcpProbeResult } from '../../checks/live-services.ts'
import { describeSocketError, type ProbeAddress } from './http-probe.ts'

const maxReceived = 64 * 1024

/** Never throws: a refused or silent port is a result. */
export function tcpProbe(address: ProbeAddress, req: TcpProbeRequest): Promise<TcpProbeResult> {
  const timeoutMs = req.timeoutMs ?? 5000
  return new Promise((resolve) => {
    let connected = false
    let received = ''
    let settled = false
    const socket = connect({ host: address.host, port: address.portFor(req.port) })
    const done = (error?: string) => {
      if (settled) {
        return
      }
      settled = true
      clearTimeout(timer)
      socket.destroy()
      resolve({ connected, received, ...(error ? { error } : {}) })
    }
    const timer = setTimeout(() => {
      const waitingFor = req.expect !== undefined ? `"${req.expect}"` : 'an answer'
      done(
        connected
          ? req.expect !== undefined
            ? `connected, but ${waitingFor} did not arrive within ${timeoutMs / 1000}s`
            : undefined
          : `no connection within ${timeoutMs / 1000}s`,
      )
    }, timeoutMs)
    socket.on('connect', () => {
      connected = true
      if (req.send !== undefined) {
        socket.write(req.send)
      }
      if (req.send === undefined && req.expect === undefined) {
        done()
      }
    })
    socket.on('data', (chunk: Buffer) => {
      received = (received + chunk.toString('utf8')).slice(0, maxReceived)
      if (req.expect === undefined || received.includes(req.expect)) {
        done()
      }
    })
    socket.on('end', () =>
      done(
        req.expect !== undefined && !received.includes(req.expect)
          ? 'the connection was closed before the expected answer'
          : undefined,
      ),
    )
    socket.on('error', (err) => done(describeSocketError(err)))
  })
}
