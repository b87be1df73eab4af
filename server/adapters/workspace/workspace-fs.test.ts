import { execFile } from 'node:child_process'
import { link, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { readWorkspaceFile, resolveInside, writeWorkspaceFile } from './workspace-fs.ts'

const execFileAsync = promisify(execFile)
let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kindlab-ws-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('workspace files', () => {
  it('saves and reads back a file inside the workspace', async () => {
    expect(await writeWorkspaceFile(dir, 'k8s/gateway.yaml', 'kind: Gateway\n')).toBe('k8s/gateway.yaml')
    expect(await readWorkspaceFile(dir, 'k8s/gateway.yaml')).toBe('kind: Gateway\n')
  })
  it('reports a missing file as undefined', async () => {
    expect(await readWorkspaceFile(dir, 'nope.txt')).toBeUndefined()
  })
  it.each(['../escape.txt', '/etc/passwd', 'a/../../b', ''])('refuses the path %j', (p) => {
    expect(() => resolveInside(dir, p)).toThrow(/outside your workspace/)
  })
  it('refuses a symlink that leads outside', async () => {
    const outside = await mkdtemp(join(tmpdir(), 'kindlab-out-'))
    await writeFile(join(outside, 'secret'), 'x')
    await symlink(join(outside, 'secret'), join(dir, 'link'))
    await expect(readWorkspaceFile(dir, 'link')).rejects.toThrow(/links outside/)
    await rm(outside, { recursive: true, force: true })
  })
})

describe('saving never writes through a link', () => {
  let outside: string
  beforeEach(async () => {
    outside = await mkdtemp(join(tmpdir(), 'kindlab-out-'))
    await writeFile(join(outside, 'secret'), 'untouched')
  })
  afterEach(async () => {
    await rm(outside, { recursive: true, force: true })
  })
  const refused = { code: 'LAB_ERR_WORKSPACE_LINK' }

  it('refuses a path through a folder link that leaves the workspace (dirlink/x)', async () => {
    await symlink(outside, join(dir, 'dirlink'))
    const err: unknown = await writeWorkspaceFile(dir, 'dirlink/x', 'pwned').catch((e: unknown) => e)
    expect(err).toMatchObject(refused)
    // the hint must not tell the learner to `rm dirlink/x`: that would delete the file outside
    expect((err as { hint: string }).hint).not.toContain('rm dirlink/x')
    await expect(writeWorkspaceFile(dir, 'dirlink/new/deeper/x', 'pwned')).rejects.toMatchObject(refused)
    expect(await readdir(outside)).toEqual(['secret'])
  })

  it('refuses a file that is a link, even to a file inside the workspace (filelink)', async () => {
    await symlink(join(outside, 'secret'), join(dir, 'filelink'))
    await expect(writeWorkspaceFile(dir, 'filelink', 'pwned')).rejects.toMatchObject({
      ...refused,
      hint: expect.stringContaining('rm filelink') as unknown,
    })
    await writeFile(join(dir, 'real.yaml'), 'a')
    await symlink(join(dir, 'real.yaml'), join(dir, 'inner-link'))
    await expect(writeWorkspaceFile(dir, 'inner-link', 'b')).rejects.toMatchObject(refused)
    expect(await readFile(join(outside, 'secret'), 'utf8')).toBe('untouched')
  })

  it('refuses a dangling link (it would create the file where the link points)', async () => {
    await symlink(join(outside, 'created-by-save'), join(dir, 'dangling'))
    await expect(writeWorkspaceFile(dir, 'dangling', 'pwned')).rejects.toMatchObject(refused)
    expect(await readdir(outside)).toEqual(['secret'])
  })

  it('refuses a hard link and a named pipe without touching or hanging on them', async () => {
    await link(join(outside, 'secret'), join(dir, 'hard'))
    await expect(writeWorkspaceFile(dir, 'hard', 'pwned')).rejects.toMatchObject(refused)
    expect(await readFile(join(outside, 'secret'), 'utf8')).toBe('untouched')
    await execFileAsync('mkfifo', [join(dir, 'pipe')])
    await expect(writeWorkspaceFile(dir, 'pipe', 'x')).rejects.toMatchObject(refused)
  })

  it('still saves through a folder link that stays inside, and replaces a file fully', async () => {
    await mkdir(join(dir, 'v2'))
    await symlink(join(dir, 'v2'), join(dir, 'current'))
    expect(await writeWorkspaceFile(dir, 'current/app.yaml', 'a long first version\n')).toBe('current/app.yaml')
    expect(await writeWorkspaceFile(dir, 'current/app.yaml', 'short\n')).toBe('current/app.yaml')
    expect(await readFile(join(dir, 'v2', 'app.yaml'), 'utf8')).toBe('short\n')
  })
})
