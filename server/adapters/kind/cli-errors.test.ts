// The CLI adapters' error translation with real commands: the docker CLI pointed at a socket that
// does not exist (what "Docker is not running" looks like everywhere), missing executables, and
// the failure texts kind and the kubelet print (ports, inotify, memory, image pulls).
import { execa } from 'execa'
import { describe, expect, it } from 'vitest'
import { diagnose } from '../failure-hints.ts'
import { createIstioctlCli } from '../istioctl/istioctl-cli.ts'
import { createDockerImages } from './docker-images.ts'
import { createKindCli } from './kind-cli.ts'

const hasDocker = await execa('docker', ['--version'], { reject: false }).then((r) => r.exitCode === 0)
const noDaemon = { PATH: process.env['PATH'] ?? '', DOCKER_HOST: 'unix:///tmp/kindlab-test-no-docker.sock' }
// A real kind binary: KINDLAB_TEST_KIND, or kind on PATH (e.g. after `kindlab tools install`).
const kindBin = process.env['KINDLAB_TEST_KIND'] ?? 'kind'
const hasKind = await execa(kindBin, ['version'], { reject: false }).then((r) => r.exitCode === 0)

describe.skipIf(!hasDocker)(
  'docker adapter against the real docker CLI with no daemon (runs when the docker CLI is installed)',
  () => {
    it('says Docker is not running, with the fix, when a pull cannot reach the daemon', async () => {
      const docker = createDockerImages(noDaemon)
      expect(await docker.has('redis:alpine')).toBe(false)
      const err = await docker.pull('redis:alpine').catch((e: unknown) => e)
      expect(err).toMatchObject({ code: 'LAB_ERR_DOCKER_UNAVAILABLE' })
      expect((err as Error).message).toContain('Docker is not running')
      expect((err as { hint?: string }).hint).toContain('docker info')
    })
  },
)

describe.skipIf(!hasDocker || !hasKind)(
  'kind adapter against the real kind CLI with no Docker daemon (runs when a kind binary is found: KINDLAB_TEST_KIND or kind on PATH)',
  () => {
    it('names Docker as the cause when listing and creating clusters', async () => {
      const kind = createKindCli(noDaemon, execa, kindBin)
      await expect(kind.clusters()).rejects.toMatchObject({ code: 'LAB_ERR_DOCKER_UNAVAILABLE' })
      const lines: string[] = []
      const err = await kind
        .create(
          'kindlab-test',
          new URL('../../../clusters/kind/cluster.yaml', import.meta.url).pathname,
          '/tmp/kindlab-test-kubeconfig',
          { onLine: (l) => lines.push(l) },
        )
        .catch((e: unknown) => e)
      expect(err).toMatchObject({ code: 'LAB_ERR_DOCKER_UNAVAILABLE' })
      expect((err as Error).message).toMatch(
        /^kind failed while creating cluster "kindlab-test": Docker is not running/,
      )
      expect(lines.some((l) => l.startsWith('ERROR: failed to create cluster'))).toBe(true)
    })
  },
)

describe('missing executables', () => {
  const empty = { PATH: '/nonexistent-kindlab-bin' }

  it('points at `kindlab tools install` for kind and istioctl', async () => {
    const err = await createKindCli(empty)
      .clusters()
      .catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 'LAB_ERR_TOOL_MISSING' })
    expect((err as { hint?: string }).hint).toContain('kindlab tools install')
    await expect(createIstioctlCli(empty).version()).rejects.toMatchObject({ code: 'LAB_ERR_TOOL_MISSING' })
  })

  it('points at the Docker install page for docker', async () => {
    const err = await createDockerImages(empty)
      .pull('x')
      .catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 'LAB_ERR_TOOL_MISSING' })
    expect((err as { hint?: string }).hint).toContain('docs.docker.com')
  })
})

describe('diagnose', () => {
  it('recognises the usual reasons kind create fails', () => {
    const port = diagnose(
      'ERROR: failed to create cluster: command "docker run ..." failed with error: exit status 125\nCommand Output: docker: Error response from daemon: driver failed programming external connectivity on endpoint kindlab-control-plane: Bind for 127.0.0.1:80 failed: port is already allocated.',
    )
    expect(port).toMatchObject({
      code: 'LAB_ERR_KIND_FAILED',
      reason: 'Host port 80 is already taken by another program.',
    })
    expect(diagnose('Failed to create inotify object: Too many open files')?.hint).toContain('max_user_instances=512')
    expect(diagnose('kubelet: OOMKilled')?.hint).toContain('6-8 GiB')
    expect(
      diagnose('Failed to pull image "redis:alpine": rpc error: code = Unknown desc = failed to pull and unpack image'),
    ).toMatchObject({ code: 'LAB_ERR_IMAGE_PULL_FAILED' })
    expect(
      diagnose('Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?'),
    ).toMatchObject({ code: 'LAB_ERR_DOCKER_UNAVAILABLE' })
    expect(diagnose('all good')).toBeUndefined()
  })
})
