// `tools install` end to end against a loopback HTTP server: a binary and a tar.gz (made by the
// system's tar) are served, verified against their SHA-256 and installed; a wrong sum, a refused
// platform and an unreachable server fail with the right codes.
import { createHash } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import { mkdtemp, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { execa } from 'execa'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { downloadVerified } from '../adapters/download/download.ts'
import { extractTarGzMember } from '../adapters/download/tar-gz.ts'
import { installTool, loadVersions, planToolDownloads, toPlatform, type Versions } from './tools.ts'

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex')
let dir: string
let server: Server
let base: string
const files = new Map<string, Buffer>()

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kindlab-tools-'))
  files.set('/kind-linux-amd64', Buffer.from('#!/bin/sh\necho kind v0.33.0\n'))
  const src = join(dir, 'src')
  const deep = join(src, 'istio-1.31.1', 'a'.repeat(60), 'b'.repeat(60))
  await mkdir(deep, { recursive: true })
  await writeFile(join(src, 'istioctl'), '#!/bin/sh\necho 1.31.1\n')
  await writeFile(join(deep, 'istioctl'), 'decoy in a long path\n')
  await execa('tar', ['--format=gnu', '-czf', join(dir, 'istioctl.tar.gz'), '-C', src, 'istio-1.31.1', 'istioctl'])
  files.set('/istioctl-1.31.1-linux-amd64.tar.gz', await readFile(join(dir, 'istioctl.tar.gz')))
  server = createServer((req, res) => {
    const body = files.get(req.url ?? '')
    res.writeHead(body ? 200 : 404, { 'content-length': body?.length ?? 0 }).end(body)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`
})

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()))
  await rm(dir, { recursive: true, force: true })
})

function versions(): Versions {
  return {
    tools: {
      kind: {
        version: 'v0.33.0',
        url: `${base}/kind-{os}-{arch}{exe}`,
        archive: 'none',
        sha256: { 'linux-amd64': sha(files.get('/kind-linux-amd64') as Buffer), 'darwin-arm64': null },
      },
      istioctl: {
        version: '1.31.1',
        url: `${base}/istioctl-{version}-{istioOs}-{arch}.tar.gz`,
        archive: 'tar.gz',
        member: 'istioctl',
        sha256: { 'linux-amd64': sha(files.get('/istioctl-1.31.1-linux-amd64.tar.gz') as Buffer) },
      },
    },
  }
}

describe('tools install', () => {
  it('installs a verified binary and the file inside a verified tar.gz, then finds them up to date', async () => {
    const bin = join(dir, 'bin')
    const plan = planToolDownloads(versions(), { os: 'linux', arch: 'amd64' })
    const results = []
    for (const d of plan) {
      expect(d.status).toBe('ok')
      if (d.status === 'ok') {
        results.push(await installTool(d, bin))
      }
    }
    expect(results).toEqual(['installed', 'installed'])
    expect(await readFile(join(bin, 'istioctl'), 'utf8')).toBe('#!/bin/sh\necho 1.31.1\n')
    expect((await stat(join(bin, 'kind'))).mode & 0o111).toBeTruthy()
    const again = plan[0]
    expect(again?.status === 'ok' ? await installTool(again, bin) : undefined).toBe('up to date')
  })

  it('deletes a download whose SHA-256 does not match', async () => {
    const dest = join(dir, 'bad-kind')
    await expect(downloadVerified(`${base}/kind-linux-amd64`, dest, { sha256: 'f'.repeat(64) })).rejects.toMatchObject({
      code: 'LAB_ERR_CHECKSUM_MISMATCH',
    })
    await expect(stat(dest)).rejects.toThrow()
    await expect(stat(`${dest}.partial`)).rejects.toThrow()
  })

  it('refuses a platform without a pinned sum instead of downloading it unchecked', () => {
    const plan = planToolDownloads(versions(), { os: 'darwin', arch: 'arm64' })
    expect(plan.map((d) => [d.tool, d.status])).toEqual([
      ['kind', 'refused'],
      ['istioctl', 'refused'],
    ])
  })

  it('says LAB_ERR_DOWNLOAD_FAILED with an offline hint when the server cannot be reached', async () => {
    const closed = createServer()
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
    const address = closed.address()
    await new Promise<void>((resolve) => closed.close(() => resolve()))
    const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 1}/kind`
    const err = await downloadVerified(url, join(dir, 'x'), { sha256: 'a'.repeat(64) }).catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 'LAB_ERR_DOWNLOAD_FAILED' })
    expect((err as { hint?: string }).hint).toMatch(/offline/)
    await expect(downloadVerified(`${base}/missing`, join(dir, 'y'), { sha256: 'a'.repeat(64) })).rejects.toMatchObject(
      { code: 'LAB_ERR_DOWNLOAD_FAILED' },
    )
  })

  it('reports a missing member of an archive', async () => {
    await expect(
      extractTarGzMember(join(dir, 'istioctl.tar.gz'), 'kubectl', join(dir, 'kubectl')),
    ).rejects.toMatchObject({ code: 'LAB_ERR_DOWNLOAD_FAILED' })
  })

  it('pins a verified sum for kind, kubectl and istioctl on linux-amd64 in the shipped versions.json', async () => {
    const shipped = planToolDownloads(await loadVersions(), { os: 'linux', arch: 'amd64' })
    expect(shipped.map((d) => [d.tool, d.status])).toEqual([
      ['kind', 'ok'],
      ['kubectl', 'ok'],
      ['istioctl', 'ok'],
    ])
    expect(shipped.map((d) => (d.status === 'ok' ? d.url : ''))).toEqual([
      'https://github.com/kubernetes-sigs/kind/releases/download/v0.33.0/kind-linux-amd64',
      'https://dl.k8s.io/release/v1.36.4/bin/linux/amd64/kubectl',
      'https://github.com/istio/istio/releases/download/1.31.1/istioctl-1.31.1-linux-amd64.tar.gz',
    ])
    expect(toPlatform('win32', 'x64')).toEqual({ os: 'windows', arch: 'amd64' })
    expect(toPlatform('linux', 'ia32')).toBeUndefined()
  })
})
