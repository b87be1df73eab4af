// POST /api/workspace/files on a real kindlab app: a learner's link in their workspace (made in
// their shell) never lets Save write outside it; the answer is a coded 409 with a hint.
import { mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { buildCohortTestApp, type CohortTestApp } from '../../cohorts/test-app.test-helper.ts'

let t: CohortTestApp
let outside: string
let token: string
let workspace: string

beforeEach(async () => {
  t = await buildCohortTestApp()
  outside = mkdtempSync(join(tmpdir(), 'kindlab-outside-'))
  const res = await t.app.inject({ method: 'POST', url: '/api/sessions', payload: {} })
  token = res.json<{ token: string }>().token
  const dirs = readdirSync(join(t.dataDir, 'workspaces'))
  workspace = join(t.dataDir, 'workspaces', dirs[0] ?? '')
})
afterEach(async () => {
  await t.close()
  rmSync(outside, { recursive: true, force: true })
})

const save = (name: string) =>
  t.app.inject({
    method: 'POST',
    url: '/api/workspace/files',
    headers: { authorization: `Bearer ${token}` },
    payload: { name, content: 'written by Save\n' },
  })

describe('POST /api/workspace/files', () => {
  it('saves a regular file in the workspace', async () => {
    const res = await save('k8s/gateway.yaml')
    expect(res.statusCode, res.body).toBe(201)
    expect(await readFile(join(workspace, 'k8s', 'gateway.yaml'), 'utf8')).toBe('written by Save\n')
  })

  it.each([
    ['dirlink/x', () => symlinkSync(outside, join(workspace, 'dirlink'))],
    ['filelink', () => symlinkSync(join(outside, 'target'), join(workspace, 'filelink'))],
  ])('refuses %s, a link the learner made to outside, with 409 and writes nothing there', async (name, makeLink) => {
    makeLink()
    const res = await save(name)
    expect(res.statusCode).toBe(409)
    const { error } = res.json<{ error: { code: string; message: string; hint: string } }>()
    expect(error.code).toBe('LAB_ERR_WORKSPACE_LINK')
    expect(error.message).toContain(name)
    expect(error.hint).not.toContain(`rm ${name}/`)
    expect(readdirSync(outside)).toEqual([])
  })
})
