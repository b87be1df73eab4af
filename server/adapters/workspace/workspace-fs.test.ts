import { mkdtemp, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { readWorkspaceFile, resolveInside, writeWorkspaceFile } from './workspace-fs.ts'

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
