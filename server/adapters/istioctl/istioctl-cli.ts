// istioctl through execa: install Istio from an IstioOperator file into one kubeconfig context.
// Failures become LAB_ERR_ISTIOCTL_FAILED (or a more specific code) with the last line istioctl printed.
import { execa } from 'execa'
import { AppError } from '../../errors.ts'
import { diagnose } from '../failure-hints.ts'
import type { Runner } from '../kind/kind-cli.ts'

export interface IstioctlCli {
  /** `istioctl install -y -f <overlay>`; istioctl itself waits until the components are ready. */
  install(
    overlayPath: string,
    target: { kubeconfig?: string; context: string },
    options?: { signal?: AbortSignal; onLine?: (line: string) => void },
  ): Promise<void>
  /** The client version (e.g. "1.31.1"). */
  version(): Promise<string>
}

interface ExecaLikeError {
  code?: string
  isCanceled?: boolean
  all?: unknown
  shortMessage?: string
}

function istioctlError(err: unknown, what: string): AppError {
  const e = (err ?? {}) as ExecaLikeError
  if (e.isCanceled) {
    return new AppError('LAB_ERR_ABORTED', {
      message: `Stopped while ${what}.`,
      hint: 'Run `kindlab up` again: the Istio step resumes.',
      cause: err,
    })
  }
  if (e.code === 'ENOENT') {
    return new AppError('LAB_ERR_TOOL_MISSING', {
      message: `istioctl is not installed (needed for ${what}).`,
      hint: 'Run `kindlab tools install`.',
      cause: err,
    })
  }
  const output = typeof e.all === 'string' ? e.all : ''
  const found = diagnose(output)
  const last = output.trim().split('\n').filter(Boolean).slice(-3).join(' ').slice(0, 400)
  return new AppError(found?.code ?? 'LAB_ERR_ISTIOCTL_FAILED', {
    message: `istioctl failed while ${what}: ${found?.reason ?? (last || e.shortMessage) ?? 'unknown error'}`,
    hint:
      found?.hint ??
      'Check the cluster with `kubectl get pods -n istio-system`; then run `kindlab up` again (the step resumes).',
    cause: err,
  })
}

/** Creates the adapter for `bin` (istioctl on PATH, or ~/.kindlab/bin). */
export function createIstioctlCli(
  env: Readonly<Record<string, string>>,
  run: Runner = execa,
  bin = 'istioctl',
): IstioctlCli {
  const base = { env, extendEnv: true, stdin: 'ignore' as const, all: true }
  return {
    async install(overlayPath, target, options = {}) {
      const args = [
        'install',
        '-y',
        '-f',
        overlayPath,
        ...(target.kubeconfig ? ['--kubeconfig', target.kubeconfig] : []),
        '--context',
        target.context,
      ]
      try {
        const sub = run(bin, args, { ...base, ...(options.signal ? { cancelSignal: options.signal } : {}) })
        let rest = ''
        sub.all?.on('data', (chunk: Buffer | string) => {
          const lines = (rest + chunk.toString()).split(/\r?\n/)
          rest = lines.pop() ?? ''
          lines
            .map((l) => l.trim())
            .filter(Boolean)
            .forEach((l) => options.onLine?.(l))
        })
        await sub
      } catch (err) {
        throw istioctlError(err, 'installing Istio')
      }
    },
    async version() {
      try {
        const result = await run(bin, ['version', '--remote=false', '--short'], base)
        return (typeof result.stdout === 'string' ? result.stdout : '').trim()
      } catch (err) {
        throw istioctlError(err, 'reading its version')
      }
    },
  }
}
