// `kindlab serve`: serves the labs in the browser, offline (workspace files) or live against a
// cluster (--kubeconfig/--context, with --gateway/--envoy-admin for how its gateway is reached).
// The server and the cluster adapters load only when the command runs.
import type { Command } from 'commander'
import { AppError, toAppError } from '../../errors.ts'
import type { RunningServer } from '../../serve.ts'
import { parseLiveFlags } from '../live-flags.ts'
import { overridesFrom, parseVarPairs, serveOptions, type ServeFlags } from '../serve-flags.ts'

/** What the command needs beyond its options, loaded when it runs (not for `kindlab --help`). */
const load = async () => ({
  ...(await import('../../provision/blueprint.ts')),
  ...(await import('../live-env.ts')),
  ...(await import('../live-target.ts')),
  ...(await import('../provision-wiring.ts')),
})

export function registerServe(program: Command): void {
  serveOptions(
    program
      .command('serve')
      .description('serve the labs in the browser')
      .option('--offline', 'no cluster: local terminal, grading from workspace files')
      .option(
        '--var <name=value>',
        "a lab variable's value for every learner, e.g. LEARNER_NAMESPACE=shop (repeatable)",
        (value: string, previous: string[]) => [...previous, value],
        [],
      ),
  ).action(async (flags: ServeFlags & { offline?: boolean; var: string[] }) => {
    await runServe(flags)
  })
}

/**
 * `kindlab serve`: offline (workspace files), or live against --kubeconfig/--context: checks read
 * the cluster's objects, the gateway's Envoy and real traffic (--gateway/--envoy-admin say how the
 * gateway is reached), and the terminal gets a kubeconfig holding only that context. Live, the
 * learner's namespace is the blueprint's shop namespace, as with `up`; --var sets any lab variable.
 */
export async function runServe(flags: ServeFlags & { offline?: boolean; var?: string[] }): Promise<RunningServer> {
  const { serveForeground } = await import('../serve-foreground.ts')
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
  const { liveEnv, loadBlueprint, writeContextKubeconfig, liveTargetServices } = await load()
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
