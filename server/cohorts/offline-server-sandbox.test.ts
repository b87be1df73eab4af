// Issue 13, finding 2, through the real offline server (startServer as `kindlab serve --offline`
// runs it): a trainee's terminal and their command checks run in their sandbox, so neither reaches
// the data folder, not even through a symlink the trainee plants in their workspace.
import { existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { loadConfig } from '../config.ts'
import { loadLabs } from '../labs/load-labs.ts'
import { bundledLabsDir } from '../paths.ts'
import { startServer, type RunningServer } from '../serve.ts'
import { createLabCatalog } from '../services/lab-catalog.ts'
import { createSessionService } from '../services/session-service.ts'
import { openDb } from '../store/db.ts'
import { createCohortRepos } from '../store/cohort-repos.ts'
import { TestClient } from '../terminal/ws-test-client.test-helper.ts'
import { createCohorts } from './cohorts.ts'
import { createPlannedOnlyBackend } from './environments.ts'

let dataDir: string
let server: RunningServer
let base: string

/** A cohort with one joined trainee, made as `kindlab cohort create` does, before the server starts. */
async function joinedTrainee(): Promise<{ token: string; workspaceDir: string }> {
  const db = openDb(join(dataDir, 'kindlab.db'))
  const repos = createCohortRepos(db)
  const sessions = createSessionService(repos.sessions, dataDir)
  const cohorts = createCohorts({
    repos,
    dataDir,
    sessions,
    catalog: createLabCatalog((await loadLabs(bundledLabsDir())).labs),
    backend: createPlannedOnlyBackend(),
  })
  try {
    cohorts.instructors.bootstrap() // the server then has no admin token to print
    const c = await cohorts.service.create({ name: 'offline', labId: 'hello-kindlab', trainees: 1, reserve: 0 })
    const { token } = await cohorts.service.join({ classCode: c.classCode ?? '', displayName: 'T' })
    const session = sessions.authenticate(token)
    return { token, workspaceDir: session?.workspaceDir ?? '' }
  } finally {
    await cohorts.stop()
    db.close()
  }
}

beforeEach(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'kindlab-offline-'))
})
afterEach(async () => {
  await server.close()
  rmSync(dataDir, { recursive: true, force: true })
})

async function start(): Promise<void> {
  const config = loadConfig(
    {},
    { offline: true, dataDir, labsDir: bundledLabsDir(), host: '127.0.0.1', port: 0, logLevel: 'warn' },
  )
  server = await startServer(config, { version: 'test' })
  base = server.url.replace(/\/$/, '')
}

async function check(token: string): Promise<{ passed: boolean; checks: { passed: boolean }[] }> {
  const res = await fetch(`${base}/api/labs/hello-kindlab/steps/0/check`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: '{}',
  })
  expect(res.status).toBe(200)
  return (await res.json()) as { passed: boolean; checks: { passed: boolean }[] }
}

describe('kindlab serve --offline, cohort trainee', () => {
  it('runs command checks in the sandbox: a symlink out of the workspace leads nowhere', async () => {
    const { token, workspaceDir } = await joinedTrainee()
    await start()
    const key = join(dataDir, 'cohort.key')
    expect(existsSync(key)).toBe(true)
    // Step 1's check is `test -f ~/hello.txt`; on the host the link resolves to the cohort key.
    symlinkSync(key, join(workspaceDir, 'hello.txt'))
    expect((await check(token)).passed).toBe(false)
  })

  it('passes the same check for a real file the trainee made in their sandboxed terminal', async () => {
    const { token, workspaceDir } = await joinedTrainee()
    await start()
    const client = await TestClient.open(`${base.replace(/^http/, 'ws')}/ws/terminal`, { token })
    await vi.waitFor(() => expect(client.frame('ready') ?? client.frame('error')).toBeDefined(), { timeout: 5000 })
    expect(client.frame('error')).toBeUndefined()
    client.type(`echo "hello" > ~/hello.txt; echo "uid=$(id -u) ls=$(ls ${dataDir} >/dev/null 2>&1; echo $?)."\r`)
    await vi.waitFor(() => expect(client.output).toMatch(/uid=\d+ ls=\d+\./), { timeout: 10_000 })
    const [, uid, ls] = /uid=(\d+) ls=(\d+)\./.exec(client.output) ?? []
    expect(Number(uid)).not.toBe(process.getuid?.())
    expect(ls).not.toBe('0')
    expect(existsSync(join(workspaceDir, 'hello.txt'))).toBe(true)
    expect((await check(token)).passed).toBe(true)
    client.close()
  })
})
