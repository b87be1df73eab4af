// The request guards every HTTP request and websocket upgrade passes before any route runs:
// the Host must name this server (421 otherwise, against DNS rebinding), a state-changing API call
// must come from an allowed Origin (403), and, when the server has an access token, the entry
// points that mint credentials need it (401). Registered once, in buildApp.
import { timingSafeEqual } from 'node:crypto'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { AppError } from '../errors.ts'
import type { HostPolicy } from './host-policy.ts'

/**
 * The routes that hand out a session or instructor token without one. With an access token set,
 * each needs it in `x-kindlab-access`. Keep this list complete: a test checks every entry exists.
 */
export const ENTRY_POINTS: readonly string[] = ['POST /api/sessions', 'POST /api/join', 'POST /api/instructor/session']

export const ACCESS_HEADER = 'x-kindlab-access'

export interface RequestGuardOptions {
  policy: HostPolicy
  accessToken: string | undefined
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}

function isStateChanging(request: FastifyRequest): boolean {
  return request.method !== 'GET' && request.method !== 'HEAD' && request.url.startsWith('/api/')
}

function checkHostAndOrigin(request: FastifyRequest, policy: HostPolicy): void {
  const { host, origin } = request.headers
  if (!policy.allowsHost(host)) {
    throw new AppError('LAB_ERR_HOST_REJECTED', {
      message: `This kindlab server does not answer to the name "${(host ?? '').slice(0, 100)}".`,
      hint: 'Open kindlab at http://127.0.0.1:<port>/ or at the address given with --public-url (or --host).',
    })
  }
  // Websocket upgrades (GET) check their Origin in their own route, where they close with a code.
  if (isStateChanging(request) && !policy.allowsOrigin(origin, host)) {
    throw new AppError('LAB_ERR_ORIGIN_REJECTED', {
      message: 'This request came from another website and was refused.',
      hint: 'Open kindlab from its own address.',
    })
  }
}

function checkAccessToken(request: FastifyRequest, accessToken: string): void {
  if (!ENTRY_POINTS.includes(`${request.method} ${request.routeOptions.url ?? ''}`)) {
    return
  }
  const given = request.headers[ACCESS_HEADER]
  if (typeof given !== 'string' || !sameSecret(given, accessToken)) {
    throw new AppError('LAB_ERR_AUTH_REQUIRED', {
      message: 'This kindlab server needs its access link to start a session.',
      hint: 'Open the link the server printed when it started (it ends with #access=...), or ask your instructor for it.',
    })
  }
}

/** Adds the guard as the app's first onRequest hook. */
export function registerRequestGuard(app: FastifyInstance, options: RequestGuardOptions): void {
  const { policy, accessToken } = options
  app.addHook('onRequest', async (request) => {
    checkHostAndOrigin(request, policy)
    if (accessToken) {
      checkAccessToken(request, accessToken)
    }
  })
}
