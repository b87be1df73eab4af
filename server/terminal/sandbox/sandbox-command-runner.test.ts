// An offline trainee's command checks in their sandbox: the lab's variables, their workspace as
// HOME, the time limit (nothing left running), and a refusal instead of an unconfined run.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { createTraineeSandbox } from './bwrap.ts'
import { createSandboxCommandRunner } from './sandbox-command-runner.ts'

const root = mkdtempSync(join(tmpdir(), 'kindlab-sbx-run-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))
const sandbox = createTraineeSandbox({ stateDir: join(root, 'state') })

describe('createSandboxCommandRunner', () => {
  it('runs in the workspace as HOME, with the variables, as a user that is not the server', async () => {
    const ws = mkdtempSync(join(root, 'ws-'))
    const runner = createSandboxCommandRunner(sandbox, ws)
    const result = await runner.run('echo "$GREETING" > ~/out.txt && id -u && pwd', {
      timeoutMs: 10_000,
      vars: { GREETING: 'hi' },
    })
    expect(result.exitCode).toBe(0)
    const [uid, pwd] = result.output.trim().split('\n')
    expect(Number(uid)).not.toBe(process.getuid?.())
    expect(pwd).toBe('/home/trainee')
    expect(readFileSync(join(ws, 'out.txt'), 'utf8')).toBe('hi\n')
  })

  it('stops at the time limit and leaves nothing running', async () => {
    const ws = mkdtempSync(join(root, 'ws-'))
    const runner = createSandboxCommandRunner(sandbox, ws)
    const result = await runner.run('setsid sh -c "sleep 2; touch ~/late" & sleep 30', { timeoutMs: 500, vars: {} })
    expect(result.timedOut).toBe(true)
    await new Promise((resolve) => setTimeout(resolve, 2500))
    expect(existsSync(join(ws, 'late'))).toBe(false)
  })

  it('refuses with a reason when the sandbox cannot start, and runs nothing', async () => {
    const ws = mkdtempSync(join(root, 'ws-'))
    const broken = createTraineeSandbox({ bwrapPath: '/nonexistent/bwrap', stateDir: join(root, 'state2') })
    await expect(
      createSandboxCommandRunner(broken, ws).run('touch ~/ran', { timeoutMs: 5000, vars: {} }),
    ).rejects.toMatchObject({
      code: 'LAB_ERR_CHECK_FAILED_TO_RUN',
      hint: expect.stringContaining('bubblewrap') as string,
    })
    expect(existsSync(join(ws, 'ran'))).toBe(false)
  })
})
