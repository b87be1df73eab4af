// A learner's YAML past the reader's limits (an alias bomb kubectl also refuses, nesting deeper
// than kindlab reads) answers a clear 400 naming the file and line, through the real server (offline Check reads the workspace) and
// through `kindlab check`; never a 500 or a crash (issue 13, finding 7). An oversized Check body
// is refused before anything runs.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { buildCohortTestApp, type CohortTestApp } from '../cohorts/test-app.test-helper.ts'
import { runKindlab } from '../cli/run-cli.test-helper.ts'

let t: CohortTestApp | undefined
afterEach(async () => {
  await t?.close()
  t = undefined
})

const head = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: request-path\ndata:\n'
// 10^5 expansions from 40 aliases: go-yaml (kubectl) refuses it as "excessive aliasing".
const ten = (of: string) => `[${Array(10).fill(of).join(', ')}]`
const aliases =
  `${head}  a: &a ${ten('"x"')}\n  b: &b ${ten('*a')}\n  c: &c ${ten('*b')}\n` +
  `  d: &d ${ten('*c')}\n  e: ${ten('*d')}\n`
// 101 aliases of a scalar: kubectl reads this, so kindlab grades it.
const manyAliases = `${head}  x: &a "1"\n  l: [${Array(101).fill('*a').join(', ')}]\n`
const fewAliases = `${head}  x: &a "1"\n  y: *a\n`
const flowDeep = `${head}  x: ${'['.repeat(10_000)}${']'.repeat(10_000)}\n`
// Indentation grows with depth: 1,200 levels fit under the 1 MiB a workspace file may have.
const blockDeep = `${head}${Array.from({ length: 1_200 }, (_, i) => `${' '.repeat(i + 2)}k${i}:`).join('\n')} 1\n`

type ErrorBody = { error: { code: string; message: string; hint?: string } }

async function checkWith(text: string) {
  t = await buildCohortTestApp()
  const created = await t.app.inject({ method: 'POST', url: '/api/sessions', payload: {} })
  const { token, sessionId } = created.json<{ token: string; sessionId: string }>()
  const workspace = t.db
    .prepare<[string], { workspace_dir: string }>('SELECT workspace_dir FROM sessions WHERE id = ?')
    .get(sessionId)?.workspace_dir
  await writeFile(join(workspace ?? '', 'answers.yaml'), text)
  return t.app.inject({
    method: 'POST',
    url: '/api/labs/istio-ingress/steps/0/check',
    headers: { authorization: `Bearer ${token}` },
    payload: {},
  })
}

describe('Check on YAML past the reader limits', () => {
  it('answers 400 with the file and the line for an alias bomb kubectl refuses too', async () => {
    const res = await checkWith(aliases)
    expect(res.statusCode, res.body).toBe(400)
    const { error } = res.json<ErrorBody>()
    expect(error.code).toBe('LAB_ERR_INPUT_FILE')
    expect(error.message).toMatch(/^answers\.yaml:\d+ is past what kindlab reads: document contains excessive aliasing/)
    expect(error.hint).toBeDefined()
  })

  it('grades 101 aliases of a scalar, which kubectl reads', async () => {
    const res = await checkWith(manyAliases)
    expect(res.statusCode, res.body).toBe(200)
  })

  it('answers 400 with the file and the line for 10,000 flow nesting levels', async () => {
    const res = await checkWith(flowDeep)
    expect(res.statusCode, res.body).toBe(400)
    expect(res.json<ErrorBody>().error.message).toMatch(
      /^answers\.yaml:6 is past what kindlab reads: the YAML is nested too deeply/,
    )
  })

  it('grades a file with 1,200 block nesting levels, as kubectl reads it (it allows 10,000)', async () => {
    const res = await checkWith(blockDeep)
    expect(res.statusCode, res.body.slice(0, 300)).toBe(200)
    expect(res.json<{ passed: boolean }>().passed).toBe(false)
  })

  it('still grades a file with a few aliases', async () => {
    const res = await checkWith(fewAliases)
    expect(res.statusCode, res.body).toBe(200)
  })

  it('refuses an oversized Check body with a 4xx before grading', async () => {
    t = await buildCohortTestApp()
    const { token } = (await t.app.inject({ method: 'POST', url: '/api/sessions', payload: {} })).json<{
      token: string
    }>()
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/labs/istio-ingress/steps/0/check',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      payload: JSON.stringify({ checkIds: ['x'.repeat(2 * 1024 * 1024)] }),
    })
    expect(res.statusCode).toBe(413)
    expect(res.json<ErrorBody>().error.code).toBe('LAB_ERR_BODY_TOO_LARGE')
    const stored = t.db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM check_attempts').get()
    expect(stored?.n).toBe(0)
  })
})

describe('kindlab check on YAML past the reader limits', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kindlab-limits-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  for (const [name, text, line, what] of [
    ['aliases', aliases, ':6 ', /excessive aliasing/],
    ['flow nesting', flowDeep, ':6 ', /nested too deeply/],
  ] as const) {
    it(`exits 66 with the file and line for ${name}`, async () => {
      const file = join(dir, `${name.replace(' ', '-')}.yaml`)
      writeFileSync(file, text)
      const { code, stderr } = await runKindlab(['check', 'istio-ingress', '--step', '1', '--resources', file])
      expect(code).toBe(66)
      expect(stderr).toContain(`${file}${line}`)
      expect(stderr).toMatch(what)
      expect(stderr).toContain('LAB_ERR_INPUT_FILE')
    })
  }
})
