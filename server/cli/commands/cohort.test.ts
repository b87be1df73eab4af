// `kindlab cohort` end to end on a temporary data folder, offline (plans only): create, list,
// handout, status, teardown, and usage errors as coded AppErrors.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createCohortsRepo } from '../../store/cohorts-repo.ts'
import { openDb } from '../../store/db.ts'
import { runCohortCommand } from './cohort.ts'

let data: string
let out: string[]

beforeEach(() => {
  data = mkdtempSync(join(tmpdir(), 'kindlab-cli-cohort-'))
  out = []
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out.push(String(chunk))
    return true
  })
})
afterEach(() => {
  vi.restoreAllMocks()
  rmSync(data, { recursive: true, force: true })
})

const run = (name: string, flags: Record<string, unknown>, args: string[] = []) =>
  runCohortCommand(name, { data, offline: true, ...flags }, args)

describe('kindlab cohort', () => {
  it('creates, lists, prints the handout and status, and tears down', async () => {
    await run('create', {
      name: 'cli-class',
      trainees: '3',
      lab: 'hello-kindlab',
      domain: 'istio-class.example',
      json: true,
    })
    const created = JSON.parse(out.join('')) as {
      name: string
      classCode: string
      offline: boolean
      trainees: Array<{ domain: string }>
    }
    expect(created).toMatchObject({ name: 'cli-class', offline: true })
    expect(created.trainees[2]?.domain).toBe('trainee03.istio-class.example')
    out = []
    await run('handout', { url: 'http://10.0.0.5:4280' }, ['cli-class'])
    expect(out.join('')).toContain('http://10.0.0.5:4280/join/cli-class#t=')
    expect(out.join('')).toContain('hipster.trainee02.istio-class.example')
    out = []
    await run('list', { json: true })
    expect(JSON.parse(out.join(''))).toMatchObject([{ name: 'cli-class', seats: 3, joined: 0 }])
    out = []
    await run('status', {}, ['cli-class'])
    expect(out.join('')).toContain('trainee03')
    out = []
    await run('teardown', {}, ['cli-class'])
    expect(out.join('')).toContain('nothing is left')
  })

  it('prints the handout at KINDLAB_PUBLIC_URL with the access token in every link', async () => {
    vi.stubEnv('KINDLAB_PUBLIC_URL', 'https://kindlab.class.example/')
    vi.stubEnv('KINDLAB_ACCESS_TOKEN', 'a+token/with=signs-0123')
    try {
      await run('create', { name: 'pub-class', trainees: '1', lab: 'hello-kindlab', domain: 'class.example' })
      out = []
      await run('handout', { json: true }, ['pub-class'])
      const handout = JSON.parse(out.join('')) as { joinUrl: string; entries: Array<{ joinUrl: string }> }
      const access = `access=${encodeURIComponent('a+token/with=signs-0123')}`
      expect(handout.joinUrl).toBe(`https://kindlab.class.example/join/pub-class#${access}`)
      expect(handout.entries[0]?.joinUrl).toMatch(/^https:\/\/kindlab\.class\.example\/join\/pub-class#t=[\w-]+&/)
      expect(handout.entries[0]?.joinUrl.endsWith(`&${access}`)).toBe(true)
    } finally {
      vi.unstubAllEnvs()
    }
  })

  it('refuses bad input with coded errors', async () => {
    await expect(run('create', { name: 'x', trainees: 'many', lab: 'hello-kindlab' })).rejects.toMatchObject({
      code: 'LAB_ERR_USAGE',
    })
    await expect(run('create', { name: 'Bad_Name', trainees: '2', lab: 'hello-kindlab' })).rejects.toMatchObject({
      code: 'LAB_ERR_VALIDATION',
    })
    await expect(run('create', { name: 'ok', trainees: '2', lab: 'no-such-lab' })).rejects.toMatchObject({
      code: 'LAB_ERR_LAB_NOT_FOUND',
    })
    await expect(run('status', {}, ['missing'])).rejects.toMatchObject({ code: 'LAB_ERR_COHORT_NOT_FOUND' })
    await expect(
      run('create', { name: 'ok', trainees: '2', lab: 'hello-kindlab', gating: 'yes' }),
    ).rejects.toMatchObject({ code: 'LAB_ERR_USAGE' })
  })

  it('creates a gated class with --gating on', async () => {
    await run('create', { name: 'gated-cli', trainees: '1', lab: 'hello-kindlab', gating: 'on' })
    const db = openDb(join(data, 'kindlab.db'))
    try {
      expect(createCohortsRepo(db).findByName('gated-cli')?.gating).toBe(true)
    } finally {
      db.close()
    }
  })
})
