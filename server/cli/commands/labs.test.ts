// `kindlab labs validate` output: one line per issue as path:line:column level: message, a hint
// line, a summary, and the result that decides the exit code.
import { Writable } from 'node:stream'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { runLabsValidate } from './labs.ts'

const root = fileURLToPath(new URL('../../..', import.meta.url))

function capture(): { out: Writable; text: () => string } {
  let buffer = ''
  const out = new Writable({
    write(chunk: Buffer, _encoding, done) {
      buffer += chunk.toString()
      done()
    },
  })
  // eslint-disable-next-line no-control-regex
  return { out, text: () => buffer.replace(/\u001b\[[0-9;]*m/g, '') }
}

describe('runLabsValidate', () => {
  it('prints each issue at file:line:column relative to the working folder and fails on errors', async () => {
    const { out, text } = capture()
    const ok = await runLabsValidate('test/fixtures/labs', { json: false, out, cwd: root })
    expect(ok).toBe(false)
    const lines = text().split('\n')
    expect(lines).toContain('test/fixtures/labs/unknown-check-kind/lab.yaml:11:15 error: Unknown check kind "comand".')
    const kindLine = lines.indexOf(
      'test/fixtures/labs/unknown-check-kind/lab.yaml:11:15 error: Unknown check kind "comand".',
    )
    expect(lines[kindLine + 1]).toMatch(/^ {2}hint: Did you mean "command"\? Known kinds: .*command, file/)
    expect(lines).toContain('test/fixtures/labs/warnings-only/lab.yaml:8:3 warning: The variable UNUSED is never used.')
    expect(lines.find((l) => l.includes('labs checked'))).toMatch(
      /^✘ \d+ labs checked: \d+ errors, 2 warnings \(\d+ labs with errors\)\.$/,
    )
  })

  it('prints JSON with --json', async () => {
    const { out, text } = capture()
    await runLabsValidate(`${root}test/fixtures/labs`, { json: true, out, cwd: '/' })
    const parsed = JSON.parse(text()) as { labs: string[]; issues: { file: string }[] }
    expect(parsed.labs).toEqual(['valid-minimal', 'warnings-only'])
    expect(parsed.issues.length).toBeGreaterThan(20)
  })
})
