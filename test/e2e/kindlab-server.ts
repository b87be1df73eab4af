// Starts and stops a real kindlab server process for browser tests: the built CLI, offline,
// a free port, a data dir the test owns. Waits for the URL line instead of sleeping.
import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import type { Page, TestInfo } from '@playwright/test'

const root = fileURLToPath(new URL('../..', import.meta.url))

export interface ServerHandle {
  url: string
  process: ChildProcess
  output(): string
  stop(signal?: NodeJS.Signals): Promise<void>
}

export async function startKindlab(
  dataDir: string,
  extraArgs: string[] = [],
  port = 0,
  env: Record<string, string> = {},
): Promise<ServerHandle> {
  const child = spawn(
    'node',
    ['bin/kindlab.js', 'serve', '--offline', '--port', String(port), '--data', dataDir, ...extraArgs],
    {
      cwd: root,
      env: { ...process.env, LOG_LEVEL: 'warn', NO_COLOR: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  )
  let out = ''
  child.stdout.on('data', (d: Buffer) => (out += d.toString()))
  child.stderr.on('data', (d: Buffer) => (out += d.toString()))
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`kindlab did not start within 20 s:\n${out}`)), 20_000)
    const look = () => {
      const m = /serving the labs at (http:\/\/\S+)/.exec(out)
      if (m?.[1]) {
        clearTimeout(timer)
        resolve(m[1])
      }
    }
    child.stdout.on('data', look)
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`kindlab exited with ${code}:\n${out}`))
    })
  })
  return {
    url,
    process: child,
    output: () => out,
    stop: (signal = 'SIGTERM') =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) {
          resolve()
          return
        }
        child.once('exit', () => resolve())
        child.kill(signal)
      }),
  }
}

/** Saves a screenshot into the test's output folder (kept as a CI artifact) and attaches it. */
export async function keepScreenshot(page: Page, info: TestInfo, name: string): Promise<void> {
  const path = info.outputPath(`${name}.png`)
  await page.screenshot({ path })
  await info.attach(name, { path, contentType: 'image/png' })
}
