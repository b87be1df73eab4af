// Runs the server in the foreground for `kindlab serve` and `kindlab up`, prints where it is, and
// stops it cleanly on Ctrl-C or SIGTERM.
import { resolve } from 'node:path'
import { pc } from './colors.ts'
import { loadConfig, type Config } from '../config.ts'
import type { GradingServices } from '../checks/types.ts'
import { bundledLabsDir } from '../paths.ts'
import { startServer, type RunningServer } from '../serve.ts'
import { overridesFrom, type ServeFlags } from './serve-flags.ts'
import { VERSION } from './version.ts'

export async function serveForeground(
  flags: ServeFlags,
  mode: {
    offline: boolean
    offlineReason?: string
    clusterEnv?: Record<string, string>
    services?: GradingServices
    /** Values for lab variables the server knows better than the lab (e.g. the shop's namespace). */
    varDefaults?: Record<string, string>
  },
): Promise<RunningServer> {
  const overrides = overridesFrom(flags)
  const config: Config = loadConfig(process.env, {
    labsDir: bundledLabsDir(),
    ...overrides,
    ...(overrides.labsDir ? { labsDir: resolve(overrides.labsDir) } : {}),
    offline: mode.offline,
    ...(mode.offlineReason ? { offlineReason: mode.offlineReason } : {}),
  })
  const server = await startServer(config, {
    version: VERSION,
    prettyLogs: process.stdout.isTTY,
    ...(mode.clusterEnv ? { clusterEnv: mode.clusterEnv } : {}),
    ...(mode.services ? { gradingServices: mode.services } : {}),
    ...(mode.varDefaults ? { varDefaults: mode.varDefaults } : {}),
  })
  const base = config.publicUrl ? `${config.publicUrl}/` : server.url
  const link = config.accessToken ? `${base}#access=${encodeURIComponent(config.accessToken)}` : base
  const listening = config.publicUrl ? pc.dim(` (listening on ${server.url})`) : ''
  process.stdout.write(`${pc.bold('kindlab')} is serving the labs at ${pc.cyan(link)}${listening}\n`)
  if (config.offline) {
    process.stdout.write(
      `${pc.yellow('offline mode')}: ${sentence(config.offlineReason ?? 'no cluster attached')} Checks grade your workspace files.\n`,
    )
  }
  process.stdout.write(pc.dim('Press Ctrl-C to stop.\n'))
  let stopping = false
  const stop = (signal: string) => {
    if (stopping) {
      return
    }
    stopping = true
    process.stdout.write(pc.dim(`\n${signal}: stopping…\n`))
    void server.close().then(() => process.exit(0))
  }
  process.once('SIGINT', () => stop('SIGINT'))
  process.once('SIGTERM', () => stop('SIGTERM'))
  return server
}

/** "no cluster attached" -> "No cluster attached." (reasons come with or without a full stop). */
function sentence(text: string): string {
  const t = text.trim()
  return `${t.charAt(0).toUpperCase()}${t.slice(1)}${/[.!?]$/.test(t) ? '' : '.'}`
}
