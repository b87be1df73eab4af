// `kindlab cohort` against the real control plane: create prepares the warm pool in the cluster,
// status reads it back, teardown removes everything. The CLI reads KUBECONFIG like kubectl does.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CoreV1Api } from '@kubernetes/client-node'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { inject } from 'vitest'
import { runCohortCommand } from '../../../server/cli/commands/cohort.ts'
import { kubeConfig } from '../cluster-client.ts'
import { backend, ensureClassNamespaces, untilGone } from './helpers.ts'

describe('kindlab cohort (live)', () => {
  const kc = kubeConfig()
  const data = mkdtempSync(join(tmpdir(), 'kindlab-cli-live-'))
  const name = `cli-${Date.now().toString(36).slice(-4)}`
  let out: string[] = []
  const run = async (command: string, flags: Record<string, unknown>, args: string[] = []) => {
    out = []
    await runCohortCommand(command, { data, json: true, ...flags }, args)
    return JSON.parse(out.join('')) as Record<string, unknown>
  }

  beforeAll(async () => {
    await ensureClassNamespaces(kc)
    vi.stubEnv('KUBECONFIG', inject('kubeconfig'))
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      out.push(String(chunk))
      return true
    })
  })
  afterAll(async () => {
    vi.restoreAllMocks()
    vi.unstubAllEnvs()
    await backend(kc).envs.teardown({ name, domain: '' })
    rmSync(data, { recursive: true, force: true })
  })

  it('creates a cohort whose reserved environments exist in the cluster, then tears it down', async () => {
    const created = (await run('create', {
      name,
      trainees: '3',
      lab: 'hello-kindlab',
      reserve: '2',
      domain: 'cli.example',
    })) as {
      offline: boolean
      ready: number
      trainees: Array<{ namespace: string; envState: string }>
    }
    expect(created.offline).toBe(false)
    expect(created.ready).toBe(2)
    const core = kc.makeApiClient(CoreV1Api)
    const ns = await core.readNamespace({ name: `kl-${name}-trainee01` })
    expect(ns.metadata?.annotations?.['kindlab.dev/trainee-domain']).toBe('trainee01.cli.example')
    expect(ns.metadata?.labels?.['kindlab.dev/owner']).toMatch(/^[0-9a-f]{12}$/)
    const status = (await run('status', {}, [name])) as { trainees: Array<{ envState: string }> }
    expect(status.trainees.map((t) => t.envState)).toEqual(['ready', 'ready', 'planned'])
    await run('teardown', {}, [name])
    await untilGone(backend(kc).envs, { name, domain: '' })
  })
})
