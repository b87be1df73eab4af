// The workspace file API on the real app: read with a version, write, and refuse to overwrite a
// file that changed since the page loaded it unless the page says so.
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildCohortTestApp, type CohortTestApp } from '../../cohorts/test-app.test-helper.ts'

let t: CohortTestApp
let token: string
let workspace: string

beforeAll(async () => {
  t = await buildCohortTestApp()
  const created = await t.app.inject({ method: 'POST', url: '/api/sessions', payload: {} })
  const body = created.json<{ token: string; sessionId: string }>()
  token = body.token
  workspace = join(t.dataDir, 'workspaces', body.sessionId)
})

afterAll(async () => {
  await t.close()
})

const auth = () => ({ authorization: `Bearer ${token}` })
const read = (name: string) =>
  t.app.inject({ method: 'GET', url: `/api/workspace/files?name=${encodeURIComponent(name)}`, headers: auth() })
const save = (payload: Record<string, unknown>) =>
  t.app.inject({ method: 'POST', url: '/api/workspace/files', headers: auth(), payload })

describe('workspace files', () => {
  it('reads a missing file as not existing, then a saved one with its version', async () => {
    expect((await read('gw.yaml')).json()).toEqual({ path: 'gw.yaml', exists: false })
    const saved = await save({ name: 'gw.yaml', content: 'a: 1\n', expectedVersion: null })
    expect(saved.statusCode).toBe(201)
    const got = (await read('gw.yaml')).json<{ exists: boolean; content: string; version: string }>()
    expect(got).toMatchObject({ exists: true, content: 'a: 1\n' })
    expect(got.version).toBe(saved.json<{ version: string }>().version)
  })

  it('refuses to overwrite a file changed since it was loaded, with a sentence for people', async () => {
    const loaded = (await read('gw.yaml')).json<{ version: string }>()
    await writeFile(join(workspace, 'gw.yaml'), 'a: 2 # edited in vi\n')
    const refused = await save({ name: 'gw.yaml', content: 'a: 3\n', expectedVersion: loaded.version })
    expect(refused.statusCode).toBe(409)
    expect(refused.json()).toMatchObject({
      error: {
        code: 'LAB_ERR_WORKSPACE_CHANGED',
        message: '~/gw.yaml was changed after the page loaded it (in the terminal or another tab).',
      },
    })
    expect(await readFile(join(workspace, 'gw.yaml'), 'utf8')).toBe('a: 2 # edited in vi\n')

    const created = await save({ name: 'gw.yaml', content: 'x', expectedVersion: null })
    expect(created.statusCode).toBe(409)

    const forced = await save({ name: 'gw.yaml', content: 'a: 3\n' })
    expect(forced.statusCode).toBe(201)
    expect(await readFile(join(workspace, 'gw.yaml'), 'utf8')).toBe('a: 3\n')
  })

  it('refuses names outside the workspace and needs a session', async () => {
    expect((await read('../escape.yaml')).statusCode).toBe(400)
    const anonymous = await t.app.inject({ method: 'GET', url: '/api/workspace/files?name=gw.yaml' })
    expect(anonymous.statusCode).toBe(401)
  })
})
