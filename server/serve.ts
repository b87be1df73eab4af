// Starts the kindlab server: builds the services (server/compose/services.ts), serves them
// (buildApp), listens, then starts their background jobs. Closing it closes everything. Used by
// `kindlab serve` and `up`.
import type { FastifyInstance } from 'fastify'
import { buildApp } from './app.ts'
import { createServices, type ServiceOptions } from './compose/services.ts'
import type { Config } from './config.ts'
import { AppError } from './errors.ts'
import type { ProgressEventDto } from './protocol/api-dto.ts'

export interface RunningServer {
  app: FastifyInstance
  url: string
  setProvisioning(event: ProgressEventDto | undefined): void
  close(): Promise<void>
}

export type ServeOptions = ServiceOptions

export async function startServer(config: Config, options: ServeOptions): Promise<RunningServer> {
  const services = await createServices(config, options)
  let app: FastifyInstance
  try {
    app = await buildApp(services)
  } catch (err) {
    await services.close()
    throw err
  }
  const url = await listen(app, config)
  services.start()
  return {
    app,
    url,
    setProvisioning: (event) => services.status.setProvisioning(event),
    close: () => app.close(),
  }
}

async function listen(app: FastifyInstance, config: Config): Promise<string> {
  try {
    await app.listen({ host: config.host, port: config.port })
  } catch (err) {
    await app.close()
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new AppError('LAB_ERR_PORT_IN_USE', {
        message: `Port ${config.port} on ${config.host} is already in use.`,
        hint: 'Stop the other program, or pick another port with --port N (0 picks a free one).',
        cause: err,
      })
    }
    throw err
  }
  const address = app.server.address()
  const port = typeof address === 'object' && address ? address.port : config.port
  const host = config.host.includes(':') ? `[${config.host}]` : config.host
  return `http://${host}:${port}/`
}
