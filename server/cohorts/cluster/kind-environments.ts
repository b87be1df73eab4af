// Cluster-mode environments: one kind cluster per trainee, built by the same planner and executors
// as `kindlab up` (server/provision: planUp → runPlan → the kind, istioctl and Kubernetes adapters),
// each with its own name, kubeconfig (0600) and work folder under the data dir and its own block
// of host ports. A trainee's files are the proof of ownership: teardown, leftovers and the reaper
// only touch `kind get clusters` entries of a cohort whose folder this data dir holds.
import { existsSync } from 'node:fs'
import { chmod, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import type { Blueprint } from '../../provision/blueprint.ts'
import { createStepRunner, type ProvisionAdapters } from '../../provision/executors.ts'
import { runPlan } from '../../provision/run-plan.ts'
import type { EnvironmentBackend, ProgressReporter } from '../environments.ts'
import {
  clusterModeDir,
  cohortClustersDir,
  freePortBlock,
  isClusterOf,
  parseTraineeClusterName,
  planTraineeCluster,
  traineeClusterFiles,
  traineeClusterName,
  type TraineeClusterPlan,
} from '../plan/cluster-plan.ts'
import type { CohortNames } from '../plan/names.ts'

export interface KindEnvironmentOptions {
  /** kindlab's data dir: trainee clusters live under `<dataDir>/cohort-clusters/<cohort>/<trainee>`. */
  dataDir: string
  /** The provisioning adapters `kindlab up` uses (kind, istioctl, Kubernetes, files). */
  adapters: ProvisionAdapters
  /** The live lab's blueprint (clusters/blueprint.yaml), loaded when first needed. */
  blueprint: () => Promise<Blueprint>
  /** Host address kind binds each cluster's ports to. @default the blueprint's */
  listenAddress?: string
  workspaceImage?: string
  /** How long the `ready` step waits for a cluster's Deployments. @default planUp's (20 min) */
  readyTimeoutMs?: number
}

interface PortsFile {
  block: number
}

async function readBlock(dir: string): Promise<number | undefined> {
  const text = await readFile(join(dir, 'ports.json'), 'utf8').catch(() => undefined)
  const block = text === undefined ? undefined : (JSON.parse(text) as Partial<PortsFile>).block
  return typeof block === 'number' ? block : undefined
}

/**
 * The cohort's host port block: the one in its folder, else the lowest one no other cohort's
 * folder holds (written to the folder when `allocate`; the dry-run view only looks).
 */
export async function cohortPortBlock(dataDir: string, cohort: CohortNames, allocate: boolean): Promise<number> {
  const dir = cohortClustersDir(dataDir, cohort)
  const own = await readBlock(dir)
  if (own !== undefined) {
    return own
  }
  const parent = dirname(dir)
  const others = await readdir(parent).catch(() => [] as string[])
  const taken = await Promise.all(others.map((name) => readBlock(join(parent, name))))
  const block = freePortBlock(taken.filter((b): b is number => b !== undefined))
  if (allocate) {
    await mkdir(dir, { recursive: true })
    await writeFile(join(dir, 'ports.json'), `${JSON.stringify({ block } satisfies PortsFile)}\n`)
  }
  return block
}

export function createKindEnvironments(options: KindEnvironmentOptions): EnvironmentBackend {
  const { adapters, dataDir } = options
  const builds = new Map<string, AbortController>()
  const key = (cohort: CohortNames, traineeId: string) => `${cohort.name}/${traineeId}`
  let allocating: Promise<unknown> = Promise.resolve()

  /** Port blocks are handed out one at a time, so two cohorts never get the same one. */
  function blockOf(cohort: CohortNames): Promise<number> {
    const run = () => cohortPortBlock(dataDir, cohort, true)
    const next = allocating.then(run, run)
    allocating = next.catch(() => undefined)
    return next
  }

  async function plan(cohort: CohortNames, traineeId: string): Promise<TraineeClusterPlan> {
    const bp = await options.blueprint()
    return planTraineeCluster(bp, cohort, traineeId, {
      dataDir,
      block: await blockOf(cohort),
      ...(options.listenAddress ? { listenAddress: options.listenAddress } : {}),
      ...(options.workspaceImage ? { workspaceImage: options.workspaceImage } : {}),
      ...(options.readyTimeoutMs ? { readyTimeoutMs: options.readyTimeoutMs } : {}),
    })
  }

  /** This data dir's trainee clusters (of one cohort, or of all): listed by kind, with their folder here. */
  async function ownedClusters(cohort?: CohortNames): Promise<Array<{ name: string; cohort: string; dir: string }>> {
    const root = clusterModeDir(dataDir)
    if (!existsSync(cohort ? cohortClustersDir(dataDir, cohort) : root) || (await readdir(root)).length === 0) {
      return [] // nothing of ours can exist: no need to ask kind
    }
    const names = await adapters.kind.clusters()
    return names.flatMap((name) => {
      const parsed = parseTraineeClusterName(name)
      if (!parsed || (cohort && !isClusterOf(cohort, name))) {
        return []
      }
      const dir = traineeClusterFiles(dataDir, { name: parsed.cohort, domain: '' }, parsed.traineeId).dir
      return existsSync(dir) ? [{ name, cohort: parsed.cohort, dir }] : []
    })
  }

  async function removeCluster(name: string, dir: string): Promise<void> {
    await adapters.kind.delete(name, join(dir, 'kubeconfig'))
  }

  return {
    live: true,
    async prepareShared(cohort) {
      // Nothing is shared between trainee clusters; settle the cohort's port block up front.
      await blockOf(cohort)
    },
    async provision(cohort, traineeId, progress?: ProgressReporter) {
      const t = await plan(cohort, traineeId)
      const controller = new AbortController()
      const k = key(cohort, traineeId)
      builds.get(k)?.abort()
      builds.set(k, controller)
      try {
        await runPlan(t.plan, createStepRunner(t.plan, adapters), {
          signal: controller.signal,
          onProgress: (e) => progress?.(e),
        })
        // kind writes the kubeconfig with its own mode; it holds the cluster's admin key.
        await chmod(t.kubeconfigPath, 0o600)
      } finally {
        if (builds.get(k) === controller) {
          builds.delete(k)
        }
      }
    },
    cancel(cohort, traineeId) {
      for (const [k, controller] of builds) {
        if (traineeId ? k === key(cohort, traineeId) : k.startsWith(`${cohort.name}/`)) {
          controller.abort()
        }
      }
    },
    async destroy(cohort, traineeId) {
      const name = traineeClusterName(cohort, traineeId)
      const { dir } = traineeClusterFiles(dataDir, cohort, traineeId)
      if ((await adapters.kind.clusters()).includes(name)) {
        await removeCluster(name, dir)
      }
      await rm(dir, { recursive: true, force: true })
    },
    async teardown(cohort) {
      const clusters = await ownedClusters(cohort)
      await Promise.all(clusters.map((c) => removeCluster(c.name, c.dir)))
      await rm(cohortClustersDir(dataDir, cohort), { recursive: true, force: true })
      // The last cohort gone: cluster mode owns nothing here any more (the reaper stops asking kind).
      if ((await readdir(clusterModeDir(dataDir)).catch(() => ['?'])).length === 0) {
        await rm(clusterModeDir(dataDir), { recursive: true, force: true })
      }
    },
    async leftovers(cohort) {
      const clusters = (await ownedClusters(cohort)).map((c) => `kind cluster ${c.name}`)
      const dir = cohortClustersDir(dataDir, cohort)
      const files = existsSync(dir) ? [`folder ${dir}`] : []
      return [...clusters, ...files]
    },
    async cohortsInCluster() {
      return [...new Set((await ownedClusters()).map((c) => c.cohort))]
    },
  }
}
