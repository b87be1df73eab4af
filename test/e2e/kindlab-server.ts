// Starts and stops a real kindlab server process for browser tests: the built CLI, offline,
// a free port, a data dir the test owns. Waits for the URL line instead of sleeping.
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { test, type Page, type TestInfo } from '@playwright/test'

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

/** The server of one test file: started (offline, a fresh data folder) before its tests, gone after. */
export interface FileServer {
  readonly url: string
  readonly dataDir: string
  output(): string
  stop(signal?: NodeJS.Signals): Promise<void>
  /** Starts it again on `port` with the same data folder (after a stop: a restart loses nothing). */
  restart(port: number): Promise<void>
}

/**
 * Registers the file's beforeAll/afterAll for one kindlab server and returns it.
 * @example const server = useKindlab('gating')
 */
export function useKindlab(name: string, env: Record<string, string> = {}): FileServer {
  let dataDir = ''
  let current: ServerHandle | undefined
  const started = (): ServerHandle => {
    if (current === undefined) {
      throw new Error('the kindlab server of this file has not started (use it inside a test or a later hook)')
    }
    return current
  }
  test.beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), `kindlab-e2e-${name}-`))
    current = await startKindlab(dataDir, [], 0, env)
  })
  test.afterAll(async () => {
    await current?.stop()
    await rm(dataDir, { recursive: true, force: true })
  })
  return {
    get url() {
      return started().url
    },
    get dataDir() {
      return dataDir
    },
    output: () => started().output(),
    stop: (signal) => started().stop(signal),
    restart: async (port) => {
      current = await startKindlab(dataDir, [], port, env)
    },
  }
}

/** Types a line into the page's terminal and presses Enter. */
export async function typeInTerminal(page: Page, line: string): Promise<void> {
  await page.locator('.xterm').click()
  await page.keyboard.type(line)
  await page.keyboard.press('Enter')
}

/** Saves a screenshot into the test's output folder (kept as a CI artifact) and attaches it. */
export async function keepScreenshot(page: Page, info: TestInfo, name: string): Promise<void> {
  const path = info.outputPath(`${name}.png`)
  await page.screenshot({ path })
  await info.attach(name, { path, contentType: 'image/png' })
}
