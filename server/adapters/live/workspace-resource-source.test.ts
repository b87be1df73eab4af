// The offline resource source over a real temporary workspace: nested folders, multi-document
// files, broken YAML with a line number, oversized files, skipped folders and symlinks.
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createWorkspaceResourceSource } from './workspace-resource-source.ts'

let dir: string

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kindlab-ws-'))
  await mkdir(join(dir, 'istio', 'https'), { recursive: true })
  await mkdir(join(dir, '.git'))
  await mkdir(join(dir, 'node_modules'))
  await writeFile(
    join(dir, 'gateway.yaml'),
    'apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata:\n  name: shop\nspec:\n  selector: { istio: ingressgateway }\n',
  )
  await writeFile(
    join(dir, 'istio', 'vs.yml'),
    '---\napiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: { name: a }\n---\n---\napiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: { name: b }\n',
  )
  await writeFile(
    join(dir, 'istio', 'https', 'broken.yaml'),
    'apiVersion: v1\nkind: Service\nmetadata:\n  name: x\n   bad: indent\n',
  )
  await writeFile(join(dir, 'big.yaml'), `# ${'x'.repeat(2048)}\n`)
  await writeFile(join(dir, 'notes.txt'), 'kind: NotYaml')
  await writeFile(join(dir, '.git', 'config.yaml'), 'kind: Hidden')
  await writeFile(join(dir, 'node_modules', 'pkg.yaml'), 'kind: Dependency')
  await symlink('/etc', join(dir, 'etc-link'))
})

afterAll(async () => rm(dir, { recursive: true, force: true }))

describe('createWorkspaceResourceSource', () => {
  it('reads every YAML document of every *.yaml/*.yml file, recursively, with file and document', async () => {
    const source = createWorkspaceResourceSource({ dir, maxFileBytes: 1024 })
    const snapshot = await source.list()
    const names = snapshot.objects.map((o) => (o as { metadata: { name: string } }).metadata.name)
    expect(names).toEqual(['shop', 'a', 'b'])
    expect(snapshot.origins).toEqual([
      { file: 'gateway.yaml', document: 0 },
      { file: 'istio/vs.yml', document: 0 },
      { file: 'istio/vs.yml', document: 2 },
    ])
    expect(source.describe()).toBe('your workspace files')
  })

  it('reports broken and oversized files as problems, never throws', async () => {
    const { problems } = await createWorkspaceResourceSource({ dir, maxFileBytes: 1024 }).list()
    expect(problems).toHaveLength(2)
    expect(problems[0]).toMatchObject({ file: 'big.yaml' })
    expect(problems[0]?.message).toMatch(/larger than 1 KiB/)
    expect(problems[1]).toMatchObject({ file: 'istio/https/broken.yaml' })
    // The yaml parser points at the mapping the stray indentation breaks (line 4) or the line itself.
    expect([4, 5]).toContain(problems[1]?.line)
  })

  it('stops at the file limit and says so', async () => {
    const { objects, problems } = await createWorkspaceResourceSource({
      dir,
      maxFiles: 1,
      maxFileBytes: 1024 * 1024,
    }).list()
    expect(objects).toHaveLength(0)
    expect(problems.map((p) => p.message).join(' ')).toMatch(/Only the first 1 YAML files were read/)
  })

  it('is empty for a workspace that does not exist yet', async () => {
    expect(await createWorkspaceResourceSource({ dir: join(dir, 'missing') }).list()).toEqual({
      objects: [],
      origins: [],
      problems: [],
    })
  })
})
