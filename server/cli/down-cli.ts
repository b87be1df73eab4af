// Runs `kindlab down`: deletes the kind cluster and its kubeconfig, or, for an existing cluster,
// the objects `up` applied there (Istio stays: it may serve other workloads).
import { rm } from 'node:fs/promises'
import { pc } from './colors.ts'
import { createKindCli } from '../adapters/kind/kind-cli.ts'
import { createKubeOps } from '../adapters/kube/kube-ops.ts'
import { loadBlueprint } from '../provision/blueprint.ts'
import { liveEnv } from './live-env.ts'

export interface DownFlags {
  data?: string
  context?: string
}

export async function runDown(flags: DownFlags): Promise<void> {
  const env = liveEnv(flags.data)
  const bp = await loadBlueprint()
  if (flags.context) {
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
