// The `kindlab cohort` actions. Opens the data folder's database directly (WAL: safe next to a
// running server), picks the backend per cohort mode (namespace: the class cluster through
// --context/KUBECONFIG; cluster: a kind cluster per trainee; planned-only with --offline) and
// prints tables or JSON.
import { join, resolve } from 'node:path'
import Table from 'cli-table3'
import { pc, tableStyle } from './colors.ts'
import { createCohorts } from '../cohorts/cohorts.ts'
import { createPlannedOnlyBackend, type EnvironmentBackend } from '../cohorts/environments.ts'
import { loadKubeConfig } from '../adapters/kube/kube-config.ts'
import { createKubeOps } from '../adapters/kube/kube-ops.ts'
import { createKubeEnvironments } from '../cohorts/namespace-environments.ts'
import { createClusterModeBackend } from '../cohorts/cluster/cluster-backend.ts'
import { createLazyBackend, createModeBackends } from '../cohorts/mode-router.ts'
import { installationId, loadCohortKey } from '../cohorts/secrets.ts'
import { loadConfig } from '../config.ts'
import { AppError } from '../errors.ts'
import { loadLabs } from '../labs/load-labs.ts'
import { bundledLabsDir } from '../paths.ts'
import type { CohortMode } from '../protocol/cohort-dto.ts'
import { createLabCatalog } from '../services/lab-catalog.ts'
import { createSessionService } from '../services/session-service.ts'
import { openDb } from '../store/db.ts'
import { createCohortRepos } from '../store/cohort-repos.ts'
import { printJson } from './output.ts'

export interface CohortFlags {
  data?: string
  context?: string
  offline?: boolean
  json?: boolean
  name?: string
  trainees?: string
  lab?: string
  mode?: string
  domain?: string
  reserve?: string
  webhook?: string
  /** on or off; left out, the lab's own `gating` decides. */
  gating?: string
  labs?: string
  wait?: boolean
  /** Where trainees open the server: --url, else KINDLAB_PUBLIC_URL, else this machine. */
  url?: string | undefined
  /** KINDLAB_ACCESS_TOKEN, which the handout's links carry (not a flag: kept out of shell history). */
  access?: string | undefined
  reset?: boolean
}

const out = (line = '') => process.stdout.write(`${line}\n`)

function integer(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) {
    return undefined
  }
  const n = Number(value)
  if (!Number.isInteger(n) || n < 0) {
    throw new AppError('LAB_ERR_USAGE', { message: `${flag} must be a whole number, not "${value}".` })
  }
  return n
}

function onOff(flag: string, value: string): boolean {
  if (value !== 'on' && value !== 'off') {
    throw new AppError('LAB_ERR_USAGE', { message: `${flag} is on or off, not "${value}".` })
  }
  return value === 'on'
}

/** Namespace cohorts: the class cluster (--context / KUBECONFIG); cluster cohorts: a kind cluster each. */
function backendFor(flags: CohortFlags, dataDir: string): EnvironmentBackend {
  const offlineReason = flags.offline ? 'Planned with --offline: nothing is applied.' : undefined
  const namespace = offlineReason
    ? createPlannedOnlyBackend({ reason: offlineReason })
    : createLazyBackend(() => {
        const owner = installationId(loadCohortKey(dataDir))
        const classCluster = loadKubeConfig(flags.context ? { context: flags.context } : {})
        return createKubeEnvironments(createKubeOps(classCluster), { owner })
      })
  return createModeBackends({
    namespace,
    cluster: () => createClusterModeBackend({ dataDir, ...(offlineReason ? { offlineReason } : {}) }),
  })
}

async function open(flags: CohortFlags) {
  const config = loadConfig(process.env, {
    labsDir: resolve(flags.labs ?? bundledLabsDir()),
    ...(flags.data ? { dataDir: resolve(flags.data) } : {}),
  })
  const db = openDb(join(config.dataDir, 'kindlab.db'))
  const { labs } = await loadLabs(config.labsDir)
  const repos = createCohortRepos(db)
  const sessions = createSessionService(repos.sessions, config.dataDir)
  const cohorts = createCohorts({
    repos,
    dataDir: config.dataDir,
    sessions,
    catalog: createLabCatalog(labs),
    backend: backendFor(flags, config.dataDir),
  })
  return { db, cohorts, config }
}

export async function runCohortCommand(name: string, flags: CohortFlags, args: string[]): Promise<void> {
  const { db, cohorts, config } = await open(flags)
  try {
    const url = flags.url ?? config.publicUrl ?? `http://127.0.0.1:${config.port}`
    await commands[name]?.(cohorts, { ...flags, url, access: config.accessToken }, args[0] ?? '')
  } finally {
    await cohorts.stop()
    db.close()
  }
}

type Cohorts = Awaited<ReturnType<typeof open>>['cohorts']
type Action = (cohorts: Cohorts, flags: CohortFlags, arg: string) => Promise<void>

const commands: Record<string, Action> = {
  async create(cohorts, flags) {
    const created = await cohorts.service.create({
      name: flags.name ?? '',
      labId: flags.lab ?? '',
      trainees: integer('--trainees', flags.trainees) ?? 0,
      mode: (flags.mode ?? 'namespace') as CohortMode,
      ...(flags.domain ? { domain: flags.domain } : {}),
      ...(flags.reserve !== undefined ? { reserve: integer('--reserve', flags.reserve) ?? 0 } : {}),
      ...(flags.webhook ? { webhookUrl: flags.webhook } : {}),
      ...(flags.gating === undefined ? {} : { gating: onOff('--gating', flags.gating) }),
    })
    if (flags.wait !== false && !created.offline) {
      process.stderr.write(pc.dim(`preparing ${created.reserve} environments…\n`))
      // Cluster mode takes minutes per trainee: print each step a build reaches.
      const shown = new Map<string, string>()
      const stop = cohorts.events.on((e) => {
        const p =
          e.type === 'seat' && e.cohortId === created.id ? cohorts.pool.progressOf(e.cohortId, e.traineeId) : undefined
        const line = p && e.type === 'seat' ? `${e.traineeId}: ${p.index + 1}/${p.total} ${p.title}` : undefined
        if (line && e.type === 'seat' && shown.get(e.traineeId) !== line) {
          shown.set(e.traineeId, line)
          process.stderr.write(pc.dim(`${line}\n`))
        }
      })
      await cohorts.pool.idle(created.id)
      stop()
    }
    const detail = cohorts.service.detail(created.id)
    if (flags.json) {
      printJson({ ...detail, classCode: created.classCode, webhookSecret: created.webhookSecret })
      return
    }
    out(
      `${pc.bold(created.name)}: ${created.seats} seats for lab ${created.labId} (${created.mode} mode, domain ${created.domain})`,
    )
    out(`class code: ${pc.bold(created.classCode ?? '')}`)
    if (created.webhookSecret) {
      out(`webhook secret (shown once): ${created.webhookSecret}`)
    }
    out(
      created.offline
        ? pc.yellow(detail.plannedReason ?? 'offline: isolation objects are planned only, not applied')
        : `${detail.ready} environments ready`,
    )
    out(pc.dim(`print the join links: kindlab cohort handout ${created.name} (at KINDLAB_PUBLIC_URL, or --url URL)`))
  },
  async list(cohorts, flags) {
    const list = cohorts.service.list()
    if (flags.json) {
      printJson(list)
      return
    }
    const table = new Table({ head: ['cohort', 'lab', 'joined', 'ready', 'mode', 'state'], style: tableStyle() })
    table.push(
      ...list.map((c) => [
        c.name,
        c.labId,
        `${c.joined}/${c.seats}`,
        c.offline ? 'planned' : String(c.ready),
        c.mode,
        c.state,
      ]),
    )
    out(table.toString())
  },
  async status(cohorts, flags, arg) {
    const detail = cohorts.service.detail(arg)
    const book = cohorts.gradebook.book(cohorts.service.find(arg))
    if (flags.json) {
      printJson({ ...detail, gradebook: book })
      return
    }
    const table = new Table({
      head: ['trainee', 'name', 'environment', 'step', 'minutes', 'stuck'],
      style: tableStyle(),
    })
    for (const r of book.rows) {
      table.push([
        r.traineeId,
        r.displayName ?? '',
        r.envProgress
          ? `${r.envState}: ${r.envProgress.index + 1}/${r.envProgress.total} ${r.envProgress.title}`
          : r.envState === 'failed' && r.envError
            ? `failed: ${r.envError}`
            : r.envState,
        r.joinedAt ? String(r.currentStep + 1) : '-',
        r.joinedAt ? String(Math.round(r.onStepMs / 60_000)) : '-',
        r.stuck ? pc.red('yes') : '',
      ])
    }
    out(`${pc.bold(detail.name)} · ${detail.labId} · ${detail.joined}/${detail.seats} joined · ${detail.state}`)
    if (detail.plannedReason) {
      out(pc.yellow(detail.plannedReason))
    }
    out(table.toString())
  },
  async handout(cohorts, flags, arg) {
    const handout = cohorts.service.handout(arg, flags.url ?? '', flags.access)
    if (flags.json) {
      printJson(handout)
      return
    }
    out(`${handout.lab} — ${handout.cohort} · class code ${handout.classCode} · ${handout.joinUrl}`)
    for (const e of handout.entries) {
      out(`${e.traineeId}  ${e.joinUrl}  ${e.hosts.join(' ')}`)
    }
  },
  async teardown(cohorts, flags, arg) {
    const result = await cohorts.service.teardown(arg)
    if (flags.json) {
      printJson(result)
      return
    }
    out(
      result.leftovers.length
        ? `deleting: ${result.leftovers.length} objects are still going away`
        : 'torn down: nothing is left in the cluster',
    )
  },
  async 'admin-token'(cohorts, flags) {
    const token = flags.reset ? cohorts.instructors.resetAdminToken() : cohorts.instructors.bootstrap()
    out(
      token
        ? `instructor admin token (shown once, keep it): ${token}`
        : 'An admin token exists already; it is stored hashed. Use --reset for a new one.',
    )
  },
  async password(cohorts) {
    const chunks: Buffer[] = []
    for await (const chunk of process.stdin) {
      chunks.push(chunk as Buffer)
    }
    const password = Buffer.concat(chunks).toString('utf8').trim()
    if (password.length < 10) {
      throw new AppError('LAB_ERR_USAGE', {
        message: 'The password must have at least 10 characters.',
        hint: 'echo "…" | kindlab cohort password',
      })
    }
    cohorts.instructors.setPassword(password)
    out('instructor password set')
  },
}
