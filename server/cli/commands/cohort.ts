// `kindlab cohort create|list|status|handout|teardown|admin-token|password`: run a class from the
// command line. Works on the data folder's database directly (the same SQLite database a running
// server uses; WAL makes that safe), so it needs no server; picks the backend per cohort mode
// (namespace: the class cluster through --context/KUBECONFIG; cluster: a kind cluster per trainee;
// planned-only with --offline) and prints tables or JSON. The cohort domain, the store and the
// adapters load only when the command runs.
import { join, resolve } from 'node:path'
import type { Command } from 'commander'
import type { EnvironmentBackend } from '../../cohorts/environments.ts'
import { AppError } from '../../errors.ts'
import type { CohortMode } from '../../protocol/cohort-dto.ts'
import { pc, tableStyle } from '../colors.ts'
import { printJson } from '../output.ts'

/** What the command needs beyond its options and printing, loaded when it runs (not for `--help`). */
const load = async () => ({
  ...(await import('../../adapters/kube/kube-config.ts')),
  ...(await import('../../adapters/kube/kube-ops.ts')),
  ...(await import('../../cohorts/cluster/cluster-backend.ts')),
  ...(await import('../../cohorts/cohorts.ts')),
  ...(await import('../../cohorts/environments.ts')),
  ...(await import('../../cohorts/mode-router.ts')),
  ...(await import('../../cohorts/namespace-environments.ts')),
  ...(await import('../../cohorts/secrets.ts')),
  ...(await import('../../config.ts')),
  ...(await import('../../labs/load-labs.ts')),
  ...(await import('../../paths.ts')),
  ...(await import('../../services/lab-catalog.ts')),
  ...(await import('../../services/session-service.ts')),
  ...(await import('../../store/cohort-repos.ts')),
  ...(await import('../../store/db.ts')),
})
type Modules = Awaited<ReturnType<typeof load>>

const common = (cmd: Command): Command =>
  cmd
    .option('--data <dir>', 'data folder shared with `kindlab serve` (default: ~/.kindlab)')
    .option('--context <name>', 'kubeconfig context of the class cluster')
    .option('--offline', 'no cluster: plan the isolation objects without applying them')
    .option('--json', 'print JSON')

export function registerCohort(program: Command): void {
  const cohort = program.command('cohort').description('run a class: trainee environments, join links, the grade book')
  const run =
    (name: string) =>
    async (...args: unknown[]) => {
      const command = args[args.length - 1] as Command
      await runCohortCommand(name, command.opts<CohortFlags>(), command.args)
    }
  common(
    cohort
      .command('create')
      .description('create a cohort and prepare its warm pool')
      .requiredOption('--name <name>', 'cohort name (lower-case letters, digits, dashes)')
      .requiredOption('--trainees <n>', 'number of trainees (seats)')
      .requiredOption('--lab <id>', 'the lab the class works on')
      .option('--mode <mode>', 'namespace (one cluster) or cluster (a kind cluster each)', 'namespace')
      .option('--domain <domain>', 'each trainee gets <trainee-id>.<domain>')
      .option('--reserve <n>', 'environments to prepare ahead of time')
      .option('--webhook <url>', 'POST HMAC-signed events here')
      .option('--gating <on|off>', "steps open once the earlier steps' checks pass (default: as the lab says)")
      .option('--labs <dir>', 'folder of labs (default: the bundled labs)')
      .option('--no-wait', 'do not wait for the warm pool'),
  ).action(run('create'))
  common(cohort.command('list').description('list the cohorts')).action(run('list'))
  common(
    cohort.command('status').argument('<cohort>').description('seats, environments and progress of a cohort'),
  ).action(run('status'))
  common(
    cohort
      .command('handout')
      .argument('<cohort>')
      .option(
        '--url <base>',
        'the server address trainees open (default: KINDLAB_PUBLIC_URL, else http://127.0.0.1:4280)',
      )
      .description('print every join link and host name'),
  ).action(run('handout'))
  common(
    cohort.command('teardown').argument('<cohort>').description('delete every environment of the cohort and end it'),
  ).action(run('teardown'))
  common(
    cohort
      .command('admin-token')
      .option('--reset', 'replace the admin token')
      .description('print a new instructor admin token (with --reset)'),
  ).action(run('admin-token'))
  common(cohort.command('password').description('set the instructor password (read from stdin)')).action(
    run('password'),
  )
}

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
function backendFor(m: Modules, flags: CohortFlags, dataDir: string): EnvironmentBackend {
  const {
    createClusterModeBackend,
    createKubeEnvironments,
    createKubeOps,
    createLazyBackend,
    createModeBackends,
    createPlannedOnlyBackend,
    installationId,
    loadCohortKey,
    loadKubeConfig,
  } = m
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
  const m = await load()
  const { bundledLabsDir, createCohortRepos, createCohorts, createLabCatalog, createSessionService } = m
  const { loadConfig, loadLabs, openDb } = m
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
    backend: backendFor(m, flags, config.dataDir),
  })
  return { db, cohorts, config }
}

/** Runs `kindlab cohort <name>` on the data folder's database. */
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
    const { default: Table } = await import('cli-table3')
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
    const { default: Table } = await import('cli-table3')
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
