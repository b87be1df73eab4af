// buildApp(deps): registers plugins and routes in an explicit order. No listen(), no process
// globals: main/serve wires the real dependencies, tests wire their own.
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyServerOptions } from 'fastify'
import fastifyStatic from '@fastify/static'
import websocket from '@fastify/websocket'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { existsSync } from 'node:fs'
import { createErrorHandler, notFoundHandler } from './http/error-handler.ts'
import { validatorCompiler } from './http/validation.ts'
import { registerVendorFiles } from './http/vendor-static.ts'
import { registerRequestGuard } from './http/access-guard.ts'
import type { HostPolicy } from './http/host-policy.ts'
import { healthRoutes } from './http/routes/health.ts'
import { labRoutes, type LabRoutesOptions } from './http/routes/labs.ts'
import { sessionRoutes } from './http/routes/sessions.ts'
import { workspaceRoutes } from './http/routes/workspace.ts'
import type { StatusDto } from './protocol/api-dto.ts'
import { MAX_CLIENT_FRAME_BYTES } from './protocol/terminal-frames.ts'
import type { GradingService } from './services/grading-service.ts'
import type { LabCatalog } from './services/lab-catalog.ts'
import type { SessionService } from './services/session-service.ts'
import type { ProgressRepo } from './store/progress-repo.ts'

export interface AppDeps {
  logger: FastifyServerOptions['logger']
  exposeStack: boolean
  /** With it, the entry points that mint sessions need it (http/access-guard.ts). */
  accessToken: string | undefined
  /** The Host names and Origins this server answers (http/host-policy.ts). */
  hostPolicy: HostPolicy
  catalog: LabCatalog
  sessions: SessionService
  progress: ProgressRepo
  grading: GradingService
  status: () => StatusDto
  /** Gating for a session in a cohort (cohorts.gatingFor); without it, each lab's own `gating`. */
  gatingFor?: LabRoutesOptions['gatingFor']
  /** Folder of the built browser app (index.html, app.js, app.css). */
  webDir: string
  /** Registers the terminal websocket (after @fastify/websocket). */
  registerTerminal?: (app: FastifyInstance) => Promise<void>
  /** Registers the cohort API (instructor, join, grade book) and the Check rate limit. */
  registerCohorts?: (app: FastifyInstance) => Promise<void>
}

const pageSecurityHeaders = {
  'content-security-policy':
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
}

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  // Route schemas are TypeBox objects: the type provider types each handler from its schema.
  const app = Fastify({ logger: deps.logger, bodyLimit: 1024 * 1024 }).withTypeProvider<TypeBoxTypeProvider>()
  // One dialect for every route (validation/dialect.ts): no coercion of body types, unknown fields refused, not stripped.
  app.setValidatorCompiler(validatorCompiler)
  app.setErrorHandler(createErrorHandler(deps.exposeStack))
  app.setNotFoundHandler(notFoundHandler)
  // The terminal is the only websocket; larger client frames are refused before being buffered.
  await app.register(websocket, { options: { maxPayload: MAX_CLIENT_FRAME_BYTES } })
  // After @fastify/websocket's own hook, so a refused upgrade's socket is closed with the answer.
  registerRequestGuard(app, { policy: deps.hostPolicy, accessToken: deps.accessToken })
  await app.register(healthRoutes, { prefix: '/api', status: deps.status })
  await app.register(sessionRoutes, { prefix: '/api', sessions: deps.sessions })
  await app.register(labRoutes, {
    prefix: '/api',
    catalog: deps.catalog,
    sessions: deps.sessions,
    progress: deps.progress,
    grading: deps.grading,
    ...(deps.gatingFor ? { gatingFor: deps.gatingFor } : {}),
  })
  await app.register(workspaceRoutes, { prefix: '/api', sessions: deps.sessions })
  if (deps.registerCohorts) {
    await deps.registerCohorts(app)
  }
  if (deps.registerTerminal) {
    await deps.registerTerminal(app)
  }
  await registerWeb(app, deps.webDir)
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
