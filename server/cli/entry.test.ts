// The CLI process as a user runs it: output piped into a reader that stops early (`| head`) ends
// the process quietly with its exit code, not with an EPIPE stack trace.
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'

const root = fileURLToPath(new URL('../..', import.meta.url))
const dir = mkdtempSync(join(tmpdir(), 'kindlab-entry-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** Enough VirtualServices that `simulate --json` prints far more than a pipe buffer (64 KiB). */
function bigConfig(): string {
  const docs = [
    'apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata: {name: gw, namespace: default}\nspec:\n  selector: {istio: ingressgateway}\n  servers:\n  - port: {number: 8080, name: http, protocol: HTTP}\n    hosts: ["*"]',
  ]
  for (let i = 0; i < 300; i++) {
    docs.push(
      `apiVersion: v1\nkind: Service\nmetadata: {name: app-${i}, namespace: default}\nspec:\n  ports: [{name: http, port: 80}]`,
      `apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: app-${i}, namespace: default}\nspec:\n  hosts: [app-${i}.example.com]\n  gateways: [gw]\n  http:\n  - route: [{destination: {host: app-${i}}}]`,
    )
  }
  return `${docs.join('\n---\n')}\n`
}

describe('kindlab entry', () => {
  it('stops quietly when the reader of its output goes away', async () => {
    const file = join(dir, 'big.yaml')
    writeFileSync(file, bigConfig())
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(root, 'server/cli/entry.ts'), 'simulate', '-r', file, '--json'],
      { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
    )
    let stderr = ''
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
    // Read the first chunk, then close the pipe as `head -c` does.
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()))
    child.stdout.destroy()
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)))
    expect(stderr).not.toMatch(/EPIPE|Unhandled/)
    expect(code).toBe(0)
  }, 60_000)

  /** Runs the CLI as a user would, with its output piped (no TTY), and waits for it. */
  function runPiped(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
    const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'server/cli/entry.ts'), ...args], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, FORCE_COLOR: undefined, NO_COLOR: undefined, KINDLAB_DATA_DIR: dir },
    })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
    return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })))
  }

  it('exits 2 on a bad option value, as the README says usage errors do', async () => {
    const { code, stderr } = await runPiped(['serve', '--port', 'abc'])
    expect(stderr).toMatch(/--port must be a number from 0 to 65535, not "abc"/)
    expect(code).toBe(2)
  }, 60_000)

  it('prints no colour codes into a pipe (doctor table)', async () => {
    const { stdout } = await runPiped(['doctor'])
    expect(stdout).toMatch(/Check\s+│\s+Status/)
    expect(stdout).not.toContain('\u001b[')
  }, 60_000)
})
