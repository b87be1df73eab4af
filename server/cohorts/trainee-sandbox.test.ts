// Issue 13, finding 2: in an offline cohort a trainee's terminal is a real shell on this machine,
// and it must never have the server's identity or reach the data folder. Real server, real
// websocket, real node-pty shell in real bubblewrap (CI installs the `bubblewrap` package).
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createTraineeSandbox } from '../terminal/sandbox/bwrap.ts'
import { TestClient } from '../terminal/ws-test-client.test-helper.ts'
import { buildCohortTestApp, type CohortTestApp } from './test-app.test-helper.ts'

let t: CohortTestApp
let base: string

afterEach(async () => t.close())

async function start(options: Parameters<typeof buildCohortTestApp>[0] = {}): Promise<void> {
  t = await buildCohortTestApp(options)
  base = `${(await t.app.listen({ host: '127.0.0.1', port: 0 })).replace(/^http/, 'ws')}/ws/terminal`
}

async function twoTrainees(): Promise<{ a: string; b: string }> {
  const c = await t.cohorts.service.create({ name: 'sandbox', labId: 'hello-kindlab', trainees: 2, reserve: 0 })
  const a = await t.cohorts.service.join({ classCode: c.classCode ?? '', displayName: 'A' })
  const b = await t.cohorts.service.join({ classCode: c.classCode ?? '', displayName: 'B' })
  return { a: a.token, b: b.token }
}

/** A shell over the real websocket: `run` types a command and resolves with its output and exit code. */
async function shell(token: string): Promise<{ run(cmd: string): Promise<{ out: string; rc: number }> }> {
  const client = await TestClient.open(base, { token })
  await vi.waitFor(() => expect(client.frame('ready') ?? client.frame('error')).toBeDefined(), { timeout: 5000 })
  expect(client.frame('error')).toBeUndefined()
  let n = 0
  return {
    async run(cmd) {
      n += 1
      const from = client.output.length
      client.type(`${cmd}; echo "@@rc${n}=$?@@"\r`)
      const done = new RegExp(`@@rc${n}=(\\d+)@@`)
      await vi.waitFor(() => expect(client.output.slice(from)).toMatch(done), { timeout: 10_000 })
      const out = client.output.slice(from)
      return { out, rc: Number(done.exec(out)?.[1]) }
    },
  }
}

describe('offline cohort: a trainee terminal runs in a sandbox', () => {
  beforeEach(async () => start())

  it('is not the server user, and sees only its own workspace, read-write', async () => {
    const { a, b } = await twoTrainees()
    const sb = await shell(b)
    expect((await sb.run('echo secret > ~/answer.txt')).rc).toBe(0)
    const sa = await shell(a)
    const id = await sa.run('echo "uid=$(id -u)."')
    expect(id.out).toMatch(/uid=\d+\./)
    const uid = Number(/uid=(\d+)\./.exec(id.out)?.[1])
    expect(uid).not.toBe(process.getuid?.())
    expect(uid).not.toBe(0)

    expect((await sa.run('echo mine > ~/own.txt && cat ~/own.txt')).rc).toBe(0)
    const workspaces = readdirSync(join(t.dataDir, 'workspaces')).map((id) => join(t.dataDir, 'workspaces', id))
    const own = workspaces.find((dir) => existsSync(join(dir, 'own.txt')))
    const other = workspaces.find((dir) => existsSync(join(dir, 'answer.txt')))
    expect(own && readFileSync(join(own, 'own.txt'), 'utf8')).toBe('mine\n')
    expect(other).toBeDefined()
    expect(other).not.toBe(own)

    expect((await sa.run(`ls ${t.dataDir}`)).rc).not.toBe(0)
    expect((await sa.run(`cat ${join(t.dataDir, 'cohort.key')}`)).rc).not.toBe(0)
    expect((await sa.run(`ls ${other}`)).rc).not.toBe(0)
    expect((await sa.run(`cat ${join(other ?? '', 'answer.txt')}`)).rc).not.toBe(0)
    const db = join(t.dataDir, 'kindlab.db')
    const before = readFileSync(db)
    expect((await sa.run(`echo x >> ${db}`)).rc).not.toBe(0)
    expect(readFileSync(db).equals(before)).toBe(true)
    expect(existsSync(join(t.dataDir, 'cohort.key'))).toBe(true)
  })

  it('keeps the system read-only, /tmp private, and no network; the lab tools still run', async () => {
    const { a } = await twoTrainees()
    const sa = await shell(a)
    writeFileSync('/tmp/kindlab-sandbox-host-file', 'host')
    expect((await sa.run('cat /tmp/kindlab-sandbox-host-file')).rc).not.toBe(0)
    expect((await sa.run('touch /usr/bin/kindlab-x')).rc).not.toBe(0)
    expect((await sa.run('touch /etc/kindlab-x')).rc).not.toBe(0)
    expect((await sa.run('test -e /etc/shadow')).rc).not.toBe(0)
    // Nothing of /etc that only its owner may read, even when the server (outside) is root.
    expect((await sa.run('echo "private=$(find /etc -type f -readable ! -perm -o=r | wc -l)."')).out).toMatch(
      /private=0\./,
    )
    expect((await sa.run('echo "ifaces=$(grep -c : /proc/net/dev)."')).out).toMatch(/ifaces=1\./)
    expect((await sa.run('echo tmp > /tmp/t && cat /tmp/t')).rc).toBe(0)
    expect((await sa.run('kubectl version --client')).rc).toBe(0)
    expect((await sa.run('curl --version >/dev/null && sed --version >/dev/null')).rc).toBe(0)
  })
})

describe('offline cohort without a working sandbox', () => {
  beforeEach(async () => start({ sandbox: createTraineeSandbox({ bwrapPath: '/nonexistent/bwrap' }) }))

  it('refuses the trainee terminal with a reason and a hint, and runs nothing', async () => {
    const { a } = await twoTrainees()
    const client = await TestClient.open(base, { token: a })
    expect((await client.whenClosed()).code).toBe(1011)
    expect(client.frame('ready')).toBeUndefined()
    expect(client.frame('error')).toMatchObject({
      code: 'LAB_ERR_TERMINAL_UNAVAILABLE',
      message: expect.stringContaining('sandbox') as string,
      hint: expect.stringContaining('bubblewrap') as string,
    })
    expect(t.app.server.listening).toBe(true)
  })
})
