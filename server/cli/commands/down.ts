// `kindlab down`: deletes the lab's kind cluster (and its kubeconfig); with --context, removes what
// `up` deployed into an existing cluster (the shop's namespace and the dashboards), leaving Istio
// (it may serve other workloads). The adapters load only when the command runs.
import { rm } from 'node:fs/promises'
import type { Command } from 'commander'
import { pc } from '../colors.ts'

/** The flags of `kindlab down`. */
export interface DownFlags {
  data?: string
  context?: string
}

export function registerDown(program: Command): void {
  program
    .command('down')
    .description('delete the live lab (the kind cluster, or the shop and dashboards in --context)')
    .option('--data <dir>', 'kindlab data folder (default: ~/.kindlab)')
    .option('--context <name>', 'an existing cluster `up --context` used: remove the shop and the dashboards only')
    .action((flags: DownFlags) => runDown(flags))
}

/** Runs `kindlab down`. */
export async function runDown(flags: DownFlags): Promise<void> {
  const { liveEnv } = await import('../live-env.ts')
  const env = liveEnv(flags.data)
  const { loadBlueprint } = await import('../../provision/blueprint.ts')
  const bp = await loadBlueprint()
  if (flags.context) {
    const { createKubeOps } = await import('../../adapters/kube/kube-ops.ts')
    const ops = createKubeOps({ context: flags.context })
    const objects = [...bp.addons.manifests, ...bp.app.manifests, ...Object.values(bp.app.optional)].flatMap(
      (f) => f.objects,
    )
    const deleted = await ops.delete(objects)
    process.stdout.write(
      `${pc.green('✔')} removed ${deleted} objects of the lab from context ${flags.context} (Istio was left installed).\n`,
    )
    return
  }
  const { createKindCli } = await import('../../adapters/kind/kind-cli.ts')
  const kind = createKindCli(env.toolEnv)
  const name = bp.kind.clusterName
  if (!(await kind.clusters()).includes(name)) {
    process.stdout.write(`There is no kind cluster "${name}": nothing to delete.\n`)
  } else {
    process.stdout.write(`… kind delete cluster --name ${name}\n`)
    await kind.delete(name, env.kubeconfigPath)
    process.stdout.write(`${pc.green('✔')} deleted the kind cluster "${name}".\n`)
  }
  await rm(env.kubeconfigPath, { force: true })
}
