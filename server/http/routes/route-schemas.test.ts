// Every route speaks the one dialect (issue 16 item 4): its schemas are TypeBox objects that refuse
// unknown fields (so the handler's types come from them), and on the real server a request with a
// field the route does not know is a 400 in our error shape, whichever route it is.
import { Kind, type TSchema } from '@sinclair/typebox'
import Fastify, { type RouteOptions } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildCohortTestApp, type CohortTestApp } from '../../cohorts/test-app.test-helper.ts'
import { registerCohortRoutes } from './cohorts.ts'
import { healthRoutes } from './health.ts'
import { labRoutes } from './labs.ts'
import { sessionRoutes } from './sessions.ts'
import { workspaceRoutes } from './workspace.ts'

const parts = ['params', 'querystring', 'body', 'headers'] as const

/** The routes of every plugin buildApp registers, as declared (registering only: no request is sent). */
async function declaredRoutes(): Promise<RouteOptions[]> {
  const routes: RouteOptions[] = []
  const app = Fastify()
  app.addHook('onRoute', (route) => {
    routes.push(route)
  })
  // The plugins keep their dependencies for their handlers; walking the routes calls none of them.
  const unused = undefined as never
  const policy = { max: 1, timeWindowMs: 1000 }
  await app.register(healthRoutes, { prefix: '/api', status: unused })
  await app.register(sessionRoutes, { prefix: '/api', sessions: unused })
  await app.register(labRoutes, {
    prefix: '/api',
    catalog: unused,
    sessions: unused,
    progress: unused,
    grading: unused,
  })
  await app.register(workspaceRoutes, { prefix: '/api', sessions: unused })
  await registerCohortRoutes(app, {
    cohorts: unused,
    sessions: unused,
    limits: { join: policy, login: policy, check: policy },
  })
  await app.ready()
  await app.close()
  return routes.filter((r) => r.method !== 'HEAD')
}

describe('route schemas', () => {
  it('are TypeBox objects that refuse unknown fields, on every route that takes input', async () => {
    const routes = await declaredRoutes()
    const withInput = routes.filter((r) => parts.some((p) => r.schema?.[p] !== undefined))
    expect(withInput.length).toBeGreaterThanOrEqual(20)
    for (const route of withInput) {
      for (const part of parts) {
        const schema = route.schema?.[part] as TSchema | undefined
        if (schema !== undefined) {
          const where = `${String(route.method)} ${route.url} ${part}`
          expect(schema[Kind], where).toBe('Object')
          expect(schema['additionalProperties'], where).toBe(false)
        }
      }
    }
  })

  it('cover every route with a path parameter', async () => {
    const routes = await declaredRoutes()
    const unchecked = routes.filter((r) => r.url.includes(':') && r.schema?.params === undefined)
    expect(unchecked.map((r) => `${String(r.method)} ${r.url}`)).toEqual([])
  })
})

describe('a field a route does not know', () => {
  let t: CohortTestApp
  beforeAll(async () => {
    t = await buildCohortTestApp()
  })
  afterAll(async () => t.close())

  // Validation runs before sign-in checks, so no token is needed to see the 400.
  it.each([
    ['POST', '/api/sessions', { displayName: 'Ada', admin: true }],
    ['PUT', '/api/labs/hello-kindlab/progress/current', { step: 0, admin: true }],
    ['POST', '/api/labs/hello-kindlab/steps/0/check', { checkIds: [], admin: true }],
    ['GET', '/api/workspace/files?name=a.yaml&admin=1', undefined],
    ['POST', '/api/workspace/files', { name: 'a.yaml', content: '', admin: true }],
    ['POST', '/api/join', { classCode: 'ABCD-1234', admin: true }],
    ['POST', '/api/instructor/session', { password: 'secret', admin: true }],
    ['PUT', '/api/cohorts/c1/trainees/trainee01/gating', { open: true, admin: true }],
    ['POST', '/api/cohorts/c1/trainees/trainee01/reset', { admin: true }],
    ['POST', '/api/cohorts/c1/trainees/trainee01/watch', { admin: true }],
  ] as const)('%s %s answers 400 LAB_ERR_VALIDATION', async (method, url, payload) => {
    const res = await t.app.inject({ method, url, ...(payload ? { payload } : {}) })
    expect(res.statusCode, res.body).toBe(400)
    const { error } = res.json<{ error: { code: string; message: string; hint?: string } }>()
    expect(error.code).toBe('LAB_ERR_VALIDATION')
    expect(error.message).toMatch(/must NOT have (additional|more than 0) properties/)
  })

  it('on the cohort form, says so in words for people', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/cohorts',
      headers: { authorization: `Bearer ${await t.instructor()}` },
      payload: { name: 'class', labId: 'hello-kindlab', trainees: 1, admin: true },
    })
    expect(res.statusCode).toBe(400)
    expect(res.json()).toEqual({
      error: {
        code: 'LAB_ERR_VALIDATION',
        message: 'The form has a field kindlab does not know.',
        hint: 'Reload the page and try again.',
      },
    })
  })
})
