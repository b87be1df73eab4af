// Runs the real `kindlab serve` (server/cli/entry.ts) as a child process on a free loopback port and
// talks to its HTTP API like the page does. Test and bench code only; loopback only.
import { spawn, type ChildProcess } from 'node:child_process'
import { request } from 'node:http'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('../../..', import.meta.url))

export interface ServeProcess {
  /** e.g. http://127.0.0.1:41234/ */
  url: string
  pid: number
  /** The instructor admin token the server prints at its first start. */
  adminToken: string | undefined
  /** Everything it printed so far (stdout and stderr). */
  output(): string
  stop(): Promise<void>
}

/**
 * Starts `kindlab serve --port 0 ...args` and resolves once it prints where it serves. `nodeArgs`
 * go to node itself (e.g. `--cpu-prof`, which NODE_OPTIONS refuses).
 */
export function startServe(
  args: string[],
  env: Record<string, string> = {},
  nodeArgs: readonly string[] = [],
): Promise<ServeProcess> {
  const child: ChildProcess = spawn(
    process.execPath,
    [...nodeArgs, '--import', 'tsx', 'server/cli/entry.ts', 'serve', '--port', '0', ...args],
    { cwd: root, env: { ...process.env, LOG_LEVEL: 'warn', NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  )
  let out = ''
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000)
      await exited
      clearTimeout(timer)
    }
  }
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop()
      reject(new Error(`kindlab serve did not start in 90 s:\n${out}`))
    }, 90_000)
    const onData = (d: Buffer): void => {
      out += d.toString()
      const url = /serving the labs at (http:\/\/\S+)/.exec(out)?.[1]
      if (url) {
        clearTimeout(timer)
        const adminToken = /admin token[^:]*: (kla_\S+)/.exec(out)?.[1]
        resolve({ url, pid: child.pid ?? 0, adminToken, output: () => out, stop })
      }
    }
    child.stdout?.on('data', onData)
    child.stderr?.on('data', onData)
    child.once('exit', (code, signal) => {
      clearTimeout(timer)
      reject(new Error(`kindlab serve exited (${signal ?? code}) before serving:\n${out}`))
    })
  })
}

export interface ApiAnswer<T> {
  status: number
  body: T
  ms: number
  /** Retry-After in seconds, when the server sent one (a 429). */
  retryAfter?: number
}

/** One JSON call to the server's API; `localAddress` picks the client address (127.0.1.x). */
export function api<T>(
  base: string,
  method: string,
  path: string,
  options: { body?: unknown; token?: string; localAddress?: string; timeoutMs?: number } = {},
): Promise<ApiAnswer<T>> {
  const started = performance.now()
  const payload = options.body === undefined ? undefined : JSON.stringify(options.body)
  return new Promise((resolve, reject) => {
    const req = request(
      new URL(path, base),
      {
        method,
        ...(options.localAddress ? { localAddress: options.localAddress } : {}),
        headers: {
          ...(payload ? { 'content-type': 'application/json' } : {}),
          ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
        },
        timeout: options.timeoutMs ?? 60_000,
      },
      (res) => {
        let data = ''
        res.setEncoding('utf8')
        res.on('data', (d: string) => (data += d))
        res.on('end', () => {
          try {
            const retryAfter = Number(res.headers['retry-after'])
            resolve({
              status: res.statusCode ?? 0,
              body: (data ? JSON.parse(data) : undefined) as T,
              ms: performance.now() - started,
              ...(Number.isFinite(retryAfter) && retryAfter > 0 ? { retryAfter } : {}),
            })
          } catch (err) {
            reject(new Error(`${method} ${path}: ${res.statusCode} not JSON: ${data.slice(0, 200)}`, { cause: err }))
          }
        })
      },
    )
    req.on('timeout', () => req.destroy(new Error(`${method} ${path} timed out`)))
    req.on('error', reject)
    req.end(payload)
  })
}
