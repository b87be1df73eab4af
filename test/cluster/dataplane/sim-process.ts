// Starts `cluster:sim --dataplane` as a child (own process group, stdin lifeline, like
// global-setup.ts does for the shared control plane) and reads its KEY=value lines. Test code only.
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { createInterface } from 'node:readline'

export interface DataplaneSim {
  kubeconfig: string
  /** GATEWAY_ADDRESS: the gateway pod's IP; Envoy listens on the targetPorts (8080, 8443, 6379). */
  gateway: string
  /** ENVOY_ADMIN, e.g. http://10.X.0.4:15000 */
  admin: string
  /** ENVOY_ACCESS_LOG: JSON lines. */
  accessLog: string
  /** LEARNER_NAMESPACE (with --lab): the shop's namespace, the learner's as `kindlab up` serves the lab. */
  learnerNamespace?: string
  /** The network namespaces this sim made (from its log), so a test never mistakes another sim's for its own. */
  networkNamespaces: string[]
  /** The sim's process id (its network namespaces are named `kl-<pid base 36>-…`). */
  pid: number
  stop(): Promise<void>
}

const simPath = fileURLToPath(new URL('../sim.ts', import.meta.url))
const keys = ['KUBECONFIG', 'GATEWAY_ADDRESS', 'ENVOY_ADMIN', 'ENVOY_ACCESS_LOG'] as const

export function startDataplaneSim(args: string[], log: (line: string) => void): Promise<DataplaneSim> {
  const child = spawn(process.execPath, ['--import', 'tsx', simPath, '--exit-on-stdin-close', '--dataplane', ...args], {
    detached: true,
    stdio: ['pipe', 'pipe', 'pipe'],
  })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const stop = async (): Promise<void> => {
    child.stdin.destroy()
    const timer = setTimeout(() => {
      try {
        process.kill(-(child.pid ?? 0), 'SIGKILL')
      } catch {
        // Already gone.
      }
    }, 30_000)
    await exited
    clearTimeout(timer)
  }
  return new Promise((resolve, reject) => {
    const tail: string[] = []
    const values = new Map<string, string>()
    const networkNamespaces: string[] = []
    createInterface({ input: child.stderr }).on('line', (line) => {
      const made = /\] network namespaces (\S+), (\S+);/.exec(line)
      if (made?.[1] && made[2] && networkNamespaces.length === 0) {
        networkNamespaces.push(made[1], made[2])
      }
      tail.push(line)
      tail.splice(0, tail.length - 30)
      log(line)
    })
    createInterface({ input: child.stdout }).on('line', (line) => {
      const match = /^([A-Z_]+)=(.+)$/.exec(line)
      if (match?.[1] && match[2]) {
        values.set(match[1], match[2])
      }
      if (keys.every((k) => values.has(k))) {
        resolve({
          kubeconfig: values.get('KUBECONFIG') ?? '',
          gateway: values.get('GATEWAY_ADDRESS') ?? '',
          admin: values.get('ENVOY_ADMIN') ?? '',
          accessLog: values.get('ENVOY_ACCESS_LOG') ?? '',
          networkNamespaces,
          ...(values.has('LEARNER_NAMESPACE') ? { learnerNamespace: values.get('LEARNER_NAMESPACE') } : {}),
          pid: child.pid ?? 0,
          stop,
        })
      }
    })
    child.once('exit', (code, signal) =>
      reject(new Error(`cluster:sim --dataplane exited (${signal ?? code}) before it was ready:\n${tail.join('\n')}`)),
    )
    child.once('error', reject)
  })
}
