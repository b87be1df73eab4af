// Vitest globalSetup of the `dataplane` project: one `cluster:sim --dataplane --lab istio-ingress`
// (own control plane, istiod, the real pilot-agent + Envoy gateway, stand-ins at the shop's pod
// IPs) shared by every file under test/cluster/dataplane/, so each file does not pay ~20 s to
// start its own. Files leave the cluster as the lab environment has it (live-lab.ts resetLab).
// Before the start, a network namespace named like one a killed harness left behind is created:
// the sim must delete it (sim.test.ts checks). After the stop, the sim's own namespaces must be gone,
// the Kubernetes Gateways' proxy namespaces (`-k<n>`) included.
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import type { TestProject } from 'vitest/node'
import { startDataplaneSim } from './sim-process.ts'

declare module 'vitest' {
  export interface ProvidedContext {
    /** The shared data plane: KUBECONFIG, GATEWAY_ADDRESS, ENVOY_ADMIN, ENVOY_ACCESS_LOG. */
    dataplane: {
      kubeconfig: string
      gateway: string
      admin: string
      accessLog: string
      pid: number
      /** LEARNER_NAMESPACE: the shop's namespace, as `kindlab up` puts it. */
      learnerNamespace: string
    }
    /** The sim's provisioning lines (`kindlab up`'s plan, the stand-ins it names). */
    dataplaneLog: string[]
    /** The leftover namespace created before the start (gone once the sim is up). */
    dataplaneLeftover: string
  }
}

const execFileAsync = promisify(execFile)
/** A namespace named like the harness's own, from a creator that no longer runs (pid above pid_max). */
const leftover = 'kl-zzzzz-00-gw'
const simNamespace = /^(kl-[0-9a-z]+-[0-9a-f]{2}-(?:gw|pods|k\d{1,2}))\b/gm

const netnsNames = async (): Promise<string[]> =>
  [...(await execFileAsync('ip', ['netns', 'list'])).stdout.matchAll(simNamespace)].map((m) => m[1] ?? '')

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  await execFileAsync('ip', ['netns', 'add', leftover])
  const started = Date.now()
  const provisioning: string[] = []
  const sim = await startDataplaneSim(['--lab', 'istio-ingress'], (line) => {
    if (/\] up \d|stand-in|manifest generate|left out:|gateway proxy (started|stopped)/.test(line)) {
      provisioning.push(line)
    }
    process.stderr.write(`[dataplane:setup] ${line}\n`)
  }).catch(async (err: unknown) => {
    await execFileAsync('ip', ['netns', 'del', leftover]).catch(() => undefined)
    throw err
  })
  process.stderr.write(`[dataplane:setup] ready in ${((Date.now() - started) / 1000).toFixed(1)} s\n`)
  const own = (name: string): boolean => name.startsWith(`kl-${sim.pid.toString(36)}-`)
  project.provide('dataplane', {
    kubeconfig: sim.kubeconfig,
    gateway: sim.gateway,
    admin: sim.admin,
    accessLog: sim.accessLog,
    pid: sim.pid,
    learnerNamespace: sim.learnerNamespace ?? 'default',
  })
  project.provide('dataplaneLog', provisioning)
  project.provide('dataplaneLeftover', leftover)
  return async () => {
    await execFileAsync('ip', ['netns', 'del', leftover]).catch(() => undefined)
    await sim.stop()
    const left = (await netnsNames()).filter(own)
    if (left.length > 0) {
      throw new Error(`the stopped data plane left network namespaces behind: ${left.join(', ')}`)
    }
  }
}
