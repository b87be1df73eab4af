// Runs the kindlab CLI in-process for tests, capturing what it prints and its exit code.
import { vi } from 'vitest'
import { runCli } from './main.ts'

export interface CliRun {
  code: number
  stdout: string
  stderr: string
}

export async function runKindlab(args: string[]): Promise<CliRun> {
  let stdout = ''
  let stderr = ''
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk)
    return true
  })
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk)
    return true
  })
  try {
    const code = await runCli(['node', 'kindlab', ...args])
    return { code, stdout, stderr }
  } finally {
    out.mockRestore()
    err.mockRestore()
    process.exitCode = undefined
  }
}
