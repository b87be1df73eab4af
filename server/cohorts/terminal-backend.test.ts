import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createLazyCohortSessionFactory } from './terminal-backend.ts'

describe('createLazyCohortSessionFactory', () => {
  it('starts a local shell for a learner without reading the kubeconfig', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kindlab-tb-'))
    let loads = 0
    const factory = createLazyCohortSessionFactory(() => {
      loads += 1
      throw new Error('no cluster here')
    })
    const session = factory({ workspaceDir: dir, env: {} })
    expect(loads).toBe(0)
    await session.dispose()
    await rm(dir, { recursive: true, force: true })
  })

  it('reads the kubeconfig when the first trainee shell starts, and says so when it cannot', () => {
    let loads = 0
    const factory = createLazyCohortSessionFactory(() => {
      loads += 1
      throw new Error('no cluster configured')
    })
    expect(() => factory({ workspaceDir: '/tmp', env: { TRAINEE_NAMESPACE: 'kl-c-trainee01' } })).toThrow(
      'no cluster configured',
    )
    expect(loads).toBe(1)
  })
})
