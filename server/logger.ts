// The server's root pino logger: pretty on a terminal, JSON otherwise, never secrets. Logs go to
// stderr, so stdout keeps only the CLI's own human-readable text (the address, the token, progress).
// Built once by the composition root (server/compose/services.ts); fastify and the terminal use it.
import type { FastifyBaseLogger } from 'fastify'
import { pino } from 'pino'

const redact = [
  'req.headers.authorization',
  'req.headers["x-kindlab-access"]',
  'req.headers["sec-websocket-protocol"]',
  'req.headers.cookie',
]

/** The root logger at `level` ('silent': none), pretty-printed when `pretty`. */
export function createLogger(level: string, pretty: boolean): FastifyBaseLogger {
  if (level === 'silent') {
    return pino({ level: 'silent' })
  }
  return pretty
    ? pino({
        level,
        redact,
        transport: {
          target: 'pino-pretty',
          options: { translateTime: 'HH:MM:ss', ignore: 'pid,hostname', destination: 2 },
        },
      })
    : pino({ level, redact }, process.stderr)
}
