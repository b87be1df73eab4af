// Runs the server in the foreground for `serve` and `up`, prints where it is, and stops it
// cleanly on Ctrl-C or SIGTERM.
import { resolve } from 'node:path'
import { pc } from './colors.ts'
import { loadConfig, type Config } from '../config.ts'
import { AppError, toAppError } from '../errors.ts'
import type { GradingServices } from '../checks/types.ts'
import { bundledLabsDir } from '../paths.ts'
import { loadBlueprint } from '../provision/blueprint.ts'
import { startServer, type RunningServer } from '../serve.ts'
import { liveEnv } from './live-env.ts'
import { parseLiveFlags } from './live-flags.ts'
import { liveTargetServices } from './live-target.ts'
import { writeContextKubeconfig } from './provision-cli.ts'
import { overridesFrom, parseVarPairs, type ServeFlags } from './serve-flags.ts'
import { VERSION } from './version.ts'

/**
 * `kindlab serve`: offline (workspace files), or live against --kubeconfig/--context: checks read
 * the cluster's objects, the gateway's Envoy and real traffic (--gateway/--envoy-admin say how the
 * gateway is reached), and the terminal gets a kubeconfig holding only that context. Live, the
 * learner's namespace is the blueprint's shop namespace, as with `up`; --var sets any lab variable.
 */
export async function runServe(flags: ServeFlags & { offline?: boolean; var?: string[] }): Promise<RunningServer> {
  const target = parseLiveFlags(flags)
  const vars = parseVarPairs(flags.var ?? [])
  if (target === undefined) {
    return serveForeground(flags, {
      offline: true,
      varDefaults: vars,
      ...(flags.offline === true
        ? {}
        : { offlineReason: 'No cluster was given (use --kubeconfig PATH, --context NAME or `kindlab up`).' }),
    })
  }
  if (flags.offline === true) {
    throw new AppError('LAB_ERR_USAGE', {
      message: '--offline grades workspace files, so it cannot be combined with a cluster (--kubeconfig or --context).',
      hint: 'Drop --offline to grade live, or drop the cluster flags to serve offline.',
    })
  }
  overridesFrom(flags) // usage errors (--port) before the kubeconfig is read
  const env = liveEnv(flags.data)
  const bp = await loadBlueprint()
  const { file, context } = await writeContextKubeconfig(target.kube, env.dataDir).catch((err: unknown) => {
    // A context the kubeconfig does not hold is a usage error, said before anything is served.
    const e = toAppError(err)
    throw e.code === 'LAB_ERR_KUBE_NOT_CONFIGURED'
      ? new AppError('LAB_ERR_USAGE', { message: e.message, ...(e.hint ? { hint: e.hint } : {}), cause: err })
      : e
  })
  return serveForeground(
    { ...flags, context },
    {
      offline: false,
      clusterEnv: { KUBECONFIG: file },
      services: liveTargetServices(target, bp, env.inCluster),
      // As `up` serves a cluster: the learner works where the blueprint's shop runs, unless --var says.
      varDefaults: { LEARNER_NAMESPACE: bp.app.namespace, ...vars },
    },
  )
}

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
