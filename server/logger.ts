// The server's pino logger options: pretty on a terminal, JSON otherwise, never secrets. Logs go to
// stderr, so stdout keeps only the CLI's own human-readable text (the address, the token, progress).
import type { FastifyServerOptions } from 'fastify'

export function loggerOptions(level: string, pretty: boolean): FastifyServerOptions['logger'] {
  const redact = [
    'req.headers.authorization',
    'req.headers["x-kindlab-access"]',
    'req.headers["sec-websocket-protocol"]',
    'req.headers.cookie',
  ]
  if (level === 'silent') {
    return false
  }
  return pretty
    ? {
        level,
        redact,
        transport: {
          target: 'pino-pretty',
          options: { translateTime: 'HH:MM:ss', ignore: 'pid,hostname', destination: 2 },
        },
      }
    : { level, redact, stream: process.stderr }
}
