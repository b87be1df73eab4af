// `kindlab routes` through the real command line: option parsing, output, and the error sentence,
// hint and exit code main prints for input that is not a config dump.
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { runCli } from '../main.ts'

const fixtures = fileURLToPath(new URL('../../../test/fixtures/envoy/', import.meta.url))

function captureOutput(): { stdout: () => string; stderr: () => string } {
  let out = ''
  let err = ''
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += chunk.toString()
    return true
  })
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    err += chunk.toString()
    return true
  })
  // eslint-disable-next-line no-control-regex
  const plain = (s: string) => s.replace(/\u001b\[[0-9;]*m/g, '')
  return { stdout: () => plain(out), stderr: () => plain(err) }
}

afterEach(() => {
  vi.restoreAllMocks()
  process.exitCode = undefined
})

describe('kindlab routes (CLI)', () => {
  it('prints the routes table and exits 0', async () => {
    const io = captureOutput()
    const code = await runCli([
      'node',
      'kindlab',
      'routes',
      '--config-dump',
      `${fixtures}gateway-blackhole.configdump.json`,
    ])
    expect(code).toBe(0)
    expect(io.stdout()).toContain('http.8080     blackhole:80     *           /*                     404\n')
  })

  it('prints one sentence and a hint for a file that is not a config dump', async () => {
    const io = captureOutput()
    const code = await runCli(['node', 'kindlab', 'routes', '--config-dump', `${fixtures}not-a-config-dump.json`])
    expect(code).toBe(65)
    const [error, hint] = io.stderr().trim().split('\n')
    expect(error).toMatch(
      /^error: .*not-a-config-dump\.json is not a usable Envoy config dump: this is not an Envoy config dump \(no "configs" array at the top level\)\. \(LAB_ERR_VALIDATION\)$/,
    )
    expect(hint).toMatch(/^hint: Save the admin endpoint output as is/)
  })

  it('requires --config-dump', async () => {
    const io = captureOutput()
    const code = await runCli(['node', 'kindlab', 'routes'])
    expect(code).toBe(2)
    expect(io.stderr()).toContain("required option '--config-dump <file>' not specified")
  })
})
