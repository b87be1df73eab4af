// buildApp(services): registers plugins and every route in an explicit order. No listen(), no
// process globals: server/compose/services.ts builds the services, for the server and for tests.
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify'
import fastifyStatic from '@fastify/static'
import websocket from '@fastify/websocket'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { existsSync } from 'node:fs'
import { createErrorHandler, notFoundHandler } from './http/error-handler.ts'
import { validatorCompiler } from './http/validation.ts'
import { registerVendorFiles } from './http/vendor-static.ts'
import { registerRequestGuard } from './http/access-guard.ts'
import { healthRoutes } from './http/routes/health.ts'
import { registerCohortRoutes } from './http/routes/cohorts.ts'
import { registerWatchRoute } from './http/routes/cohorts-watch.ts'
import { labRoutes } from './http/routes/labs.ts'
import { sessionRoutes } from './http/routes/sessions.ts'
import { workspaceRoutes } from './http/routes/workspace.ts'
import { MAX_CLIENT_FRAME_BYTES } from './protocol/terminal-frames.ts'
import type { Services } from './compose/services.ts'
import { terminalRoute } from './terminal/terminal-route.ts'

const pageSecurityHeaders = {
  'content-security-policy':
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
}

/**
 * The app over `services` (server/compose/services.ts): every route, in an explicit order. Closing
 * the app closes the services: their jobs and streams before the server closes, then the shells
 * and the database.
 */
export async function buildApp(services: Services): Promise<FastifyInstance> {
  const { config, hostPolicy } = services
  // Route schemas are TypeBox objects: the type provider types each handler from its schema.
  const app = Fastify({
    loggerInstance: services.logger,
    bodyLimit: 1024 * 1024,
  }).withTypeProvider<TypeBoxTypeProvider>()
  // One dialect for every route (validation/dialect.ts): no coercion of body types, unknown fields refused, not stripped.
  app.setValidatorCompiler(validatorCompiler)
  app.setErrorHandler(createErrorHandler(config.exposeStack))
  app.setNotFoundHandler(notFoundHandler)
  app.addHook('preClose', () => services.stop())
  app.addHook('onClose', () => services.close())
  // The terminal is the only websocket; larger client frames are refused before being buffered.
  await app.register(websocket, { options: { maxPayload: MAX_CLIENT_FRAME_BYTES } })
  // After @fastify/websocket's own hook, so a refused upgrade's socket is closed with the answer.
  registerRequestGuard(app, { policy: hostPolicy, accessToken: config.accessToken })
  await app.register(healthRoutes, { prefix: '/api', status: () => services.status.get() })
  await app.register(sessionRoutes, { prefix: '/api', sessions: services.sessions })
  await app.register(labRoutes, {
    prefix: '/api',
    catalog: services.catalog,
    sessions: services.sessions,
    progress: services.progress,
    grading: services.grading,
    // A cohort's gating for its trainees; undefined (the lab's own) for everyone else.
    gatingFor: (sessionId, lab) => services.cohorts.cohorts.gatingFor(sessionId, lab),
  })
  await app.register(workspaceRoutes, { prefix: '/api', sessions: services.sessions })
  await registerCohortRoutes(app, services.cohorts.routes)
  const isAllowedOrigin = (origin: string | undefined, host: string | undefined) =>
    hostPolicy.allowsOrigin(origin, host)
  await registerWatchRoute(app, {
    manager: services.terminal.manager,
    isAllowedOrigin,
    resolve: (token) => services.cohorts.resolveWatchToken(token),
  })
  await app.register(terminalRoute, {
    manager: services.terminal.manager,
    isAllowedOrigin,
    authenticate: (token) => services.terminal.authenticate(token),
  })
  await registerWeb(app, services.webDir)
  return app
}

async function registerWeb(app: FastifyInstance, webDir: string): Promise<void> {
  if (!existsSync(webDir)) {
    app.log.warn({ webDir }, 'the browser app is not built; run `npm run build`')
    return
  }
  await app.register(fastifyStatic, { root: webDir, prefix: '/static/', index: false, maxAge: 0 })
  await registerVendorFiles(app)
  const sendPage = async (_request: unknown, reply: FastifyReply) =>
    reply.headers(pageSecurityHeaders).type('text/html; charset=utf-8').sendFile('index.html')
  app.get('/', sendPage)
  app.get('/labs/:lab', sendPage)
  app.get('/labs/:lab/:step', sendPage)
  app.get('/instructor', sendPage)
  app.get('/instructor/*', sendPage)
  app.get('/join/:cohort', sendPage)
}
