// The kind CLI through execa: list, create and delete clusters, export kubeconfigs, load image
// archives. Every failure becomes an AppError naming the cause (Docker, ports, memory) and a fix.
import { execa } from 'execa'
import { AppError } from '../../errors.ts'
import { diagnose } from '../failure-hints.ts'

/** The subset of execa kindlab's CLI adapters use; tests pass their own runner. */
export type Runner = typeof execa

export interface KindRunOptions {
  signal?: AbortSignal
  /** Called with each line kind prints (its progress goes to stderr). */
  onLine?: (line: string) => void
}

export interface KindCli {
  /** Names of the kind clusters on this machine. */
  clusters(): Promise<string[]>
  create(name: string, configPath: string, kubeconfigPath: string, options?: KindRunOptions): Promise<void>
  /** Writes the cluster's kubeconfig; `internal` gives the address other containers on the kind network use. */
  kubeconfig(name: string, options?: { internal?: boolean }): Promise<string>
  delete(name: string, kubeconfigPath?: string): Promise<void>
  loadImageArchive(name: string, archivePath: string, options?: KindRunOptions): Promise<void>
}

interface ExecaLikeError {
  exitCode?: number
  code?: string
  isCanceled?: boolean
  stderr?: unknown
  stdout?: unknown
  all?: unknown
  shortMessage?: string
}

const text = (v: unknown): string => (typeof v === 'string' ? v : '')

/** Turns a failed kind (or docker) command into an AppError with the most specific hint. */
export function kindError(err: unknown, what: string, tool = 'kind'): AppError {
  const e = (err ?? {}) as ExecaLikeError
  if (e.isCanceled) {
    return new AppError('LAB_ERR_ABORTED', {
      message: `Stopped while ${what}.`,
      hint: 'Run `kindlab up` again to continue where it stopped.',
      cause: err,
    })
  }
  if (e.code === 'ENOENT') {
    return new AppError('LAB_ERR_TOOL_MISSING', {
      message: `${tool} is not installed (needed for ${what}).`,
      hint:
        tool === 'docker'
          ? 'Install Docker: https://docs.docker.com/get-docker/'
          : 'Run `kindlab tools install` to download the pinned version into ~/.kindlab/bin.',
      cause: err,
    })
  }
  const output = [text(e.all), text(e.stderr), text(e.stdout)].join('\n')
  const found = diagnose(output)
  const last = output.trim().split('\n').filter(Boolean).slice(-1)[0]?.slice(0, 300)
  return new AppError(found?.code ?? 'LAB_ERR_KIND_FAILED', {
    message: `${tool} failed while ${what}: ${found?.reason ?? last ?? e.shortMessage ?? 'unknown error'}`,
    hint: found?.hint ?? `Run \`kindlab doctor\`, then try again; \`kindlab down\` removes a half-created cluster.`,
    cause: err,
  })
}

/** Terminal colour and cursor codes kind prints on a TTY. */
const ansi = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*[A-Za-z]`, 'g')

function forwardLines(sub: { all?: NodeJS.ReadableStream | null }, onLine?: (line: string) => void): void {
  if (!onLine || !sub.all) {
    return
  }
  let rest = ''
  sub.all.on('data', (chunk: Buffer | string) => {
    const lines = (rest + chunk.toString()).split(/\r?\n/)
    rest = lines.pop() ?? ''
    for (const line of lines) {
      const clean = line.replace(ansi, '').trim()
      if (clean) {
        onLine(clean)
      }
    }
  })
}

/** Creates the adapter; `bin` is the kind executable (found on PATH, or ~/.kindlab/bin). */
export function createKindCli(env: Readonly<Record<string, string>>, run: Runner = execa, bin = 'kind'): KindCli {
  const base = { env, extendEnv: true, stdin: 'ignore' as const }
  const exec = async (args: string[], what: string, options: KindRunOptions = {}) => {
    try {
      const sub = run(bin, args, { ...base, all: true, ...(options.signal ? { cancelSignal: options.signal } : {}) })
      forwardLines(sub, options.onLine)
      return await sub
    } catch (err) {
      throw kindError(err, what)
    }
  }
  return {
    async clusters() {
      const result = await exec(['get', 'clusters'], 'listing clusters')
      return text(result.stdout)
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => l && !l.startsWith('No kind clusters'))
    },
    async create(name, configPath, kubeconfigPath, options) {
      await exec(
        ['create', 'cluster', '--name', name, '--config', configPath, '--kubeconfig', kubeconfigPath, '--wait', '120s'],
        `creating cluster "${name}"`,
        options,
      )
    },
    async kubeconfig(name, options = {}) {
      const result = await exec(
        ['get', 'kubeconfig', '--name', name, ...(options.internal ? ['--internal'] : [])],
        'reading the kubeconfig',
      )
      return text(result.stdout)
    },
    async delete(name, kubeconfigPath) {
      await exec(
        ['delete', 'cluster', '--name', name, ...(kubeconfigPath ? ['--kubeconfig', kubeconfigPath] : [])],
        `deleting cluster "${name}"`,
      )
    },
    async loadImageArchive(name, archivePath, options) {
      await exec(['load', 'image-archive', archivePath, '--name', name], 'loading images into the cluster', options)
    },
  }
}
