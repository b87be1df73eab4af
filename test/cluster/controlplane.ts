// Starts a real control plane on loopback: etcd, kube-apiserver, kube-controller-manager,
// kube-scheduler and kwok with fake nodes, plus Istio's CRDs. stop() ends every process and deletes its data.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ApiextensionsV1Api, CoreV1Api, KubeConfig } from '@kubernetes/client-node'
import { ensureBinaries, type Binaries, type Log } from './build.ts'
import { apiserverArgs, controllerManagerArgs, etcdArgs, schedulerArgs, type Ports } from './components.ts'
import { apiserverReady, etcdHealthy } from './health.ts'
import { installIstioCrds } from './istio-crds.ts'
import { startIstiod, type IstiodEndpoints, type IstiodOptions } from './istiod.ts'
import { writeKubeconfig } from './kubeconfig.ts'
import { createFakeNodes, kwokArgs, nodesReady, writeKwokConfig } from './kwok.ts'
import { createPki } from './pki.ts'
import { poll } from './poll.ts'
import { freePorts } from './ports.ts'
import { killEverythingSync, Supervisor, type Managed } from './procs.ts'

export interface ControlPlaneOptions {
  /** Fake kwok nodes to create. @default 3 */
  nodes?: number
  /** Progress lines (stderr by default). */
  log?: Log
  /** Keep the data directory (PKI, etcd data, logs) after stop(). @default false */
  keepData?: boolean
  /** Called if a component dies after start-up. */
  onComponentExit?: (error: Error) => void
  /** Aborting during start-up stops what was started and rejects. */
  signal?: AbortSignal
  /** Also build and run istiod (pilot-discovery) against the API server. @default false */
  istiod?: boolean
  /** How istiod runs (a data plane needs some changes). */
  istiodOptions?: IstiodOptions
  /** Build pilot-agent too. @default false */
  dataplane?: boolean
  /** kwok's pod IP range. @default 10.244.0.1/16 */
  podCidr?: string
}

export interface ControlPlane {
  /** Admin (system:masters) kubeconfig path. */
  kubeconfig: string
  server: string
  dataDir: string
  ports: Ports
  supervisor: Supervisor
  binaries: Binaries
  /** Set when started with `istiod: true`. */
  istiod?: IstiodEndpoints
  /** Graceful stop of every process, then removal of the data directory. */
  stop(): Promise<void>
}

/** Data directories of control planes that are starting or running (removed by cleanupSync). */
const liveDataDirs = new Set<string>()

/** For process 'exit' handlers: SIGKILL every component this process started and delete their data. */
export function cleanupSync(): void {
  killEverythingSync()
  for (const dir of liveDataDirs) {
    rmSync(dir, { recursive: true, force: true })
  }
  liveDataDirs.clear()
}

const defaultLog: Log = (line) => process.stderr.write(`[cluster] ${line}\n`)

/** Starts everything and resolves when the cluster is usable; on failure nothing is left running. */
export async function startControlPlane(options: ControlPlaneOptions = {}): Promise<ControlPlane> {
  const log = options.log ?? defaultLog
  const bins = await ensureBinaries({
    log,
    signal: options.signal,
    istio: options.istiod,
    dataplane: options.dataplane,
  })
  const dataDir = mkdtempSync(join(tmpdir(), 'kindlab-cluster-'))
  const logDir = join(dataDir, 'logs')
  mkdirSync(logDir)
  const supervisor = new Supervisor(logDir)
  let died: Error | undefined
  let ready = false
  supervisor.onUnexpectedExit((proc: Managed, code) => {
    died = new Error(
      `${proc.name} exited unexpectedly (code ${code}); last lines of ${proc.logPath}:\n${supervisor.tail(proc)}`,
    )
    if (ready) {
      options.onComponentExit?.(died)
    }
  })
  const abort = (): void => {
    options.signal?.throwIfAborted()
    if (died) {
      throw died
    }
  }
  if (!options.keepData) {
    liveDataDirs.add(dataDir)
  }
  const removeData = (): void => {
    liveDataDirs.delete(dataDir)
    if (!options.keepData) {
      rmSync(dataDir, { recursive: true, force: true })
    }
  }
  const stop = async (): Promise<void> => {
    await supervisor.stop()
    removeData()
  }
  log(`data and component logs in ${dataDir}`)
  try {
    const [pki, [etcdClient = 0, etcdPeer = 0, apiserver = 0], kwokConfig] = await Promise.all([
      createPki(join(dataDir, 'pki')),
      freePorts(3),
      writeKwokConfig(join(dataDir, 'kwok.yaml')),
    ])
    const ports: Ports = { etcdClient, etcdPeer, apiserver }
    const server = `https://127.0.0.1:${apiserver}`
    const kubeconfigFor = (name: 'admin' | 'controller-manager' | 'scheduler' | 'kwok', user: string): string =>
      writeKubeconfig(join(dataDir, `${name}.kubeconfig`), server, pki.ca.cert, user, pki.clients[name])

    supervisor.start('etcd', bins.etcd, etcdArgs(dataDir, ports))
    await poll(() => etcdHealthy(etcdClient), { what: 'etcd /health', timeoutMs: 30_000, abort })
    log(`etcd ready on 127.0.0.1:${etcdClient}`)
    supervisor.start('kube-apiserver', bins.kubeApiserver, apiserverArgs(pki, ports))
    await poll(() => apiserverReady(apiserver, pki.ca.cert, pki.clients.admin), {
      what: 'kube-apiserver /readyz',
      timeoutMs: 120_000,
      abort,
    })
    log(`kube-apiserver ready on ${server}`)

    const kubeconfig = kubeconfigFor('admin', 'kindlab-admin')
    supervisor.start(
      'kube-controller-manager',
      bins.kubeControllerManager,
      controllerManagerArgs(pki, kubeconfigFor('controller-manager', 'system:kube-controller-manager')),
    )
    supervisor.start(
      'kube-scheduler',
      bins.kubeScheduler,
      schedulerArgs(kubeconfigFor('scheduler', 'system:kube-scheduler')),
    )
    supervisor.start('kwok', bins.kwok, kwokArgs(kubeconfigFor('kwok', 'kwok-controller'), kwokConfig, options.podCidr))

    const kc = new KubeConfig()
    kc.loadFromFile(kubeconfig)
    const core = kc.makeApiClient(CoreV1Api)
    abort()
    const nodes = await createFakeNodes(core, options.nodes ?? 3)
    await Promise.all([
      poll(async () => ((await nodesReady(core, nodes)) ? true : undefined), { what: 'kwok nodes Ready', abort }).then(
        () => log(`${nodes.length} kwok nodes Ready`),
      ),
      poll(() => core.readNamespacedServiceAccount({ name: 'default', namespace: 'default' }), {
        what: 'the default ServiceAccount (controller-manager running)',
        abort,
      }).then(() => log('kube-controller-manager running')),
      installIstioCrds(kc.makeApiClient(ApiextensionsV1Api), abort).then((crds) =>
        log(`${crds.length} Istio CRDs Established`),
      ),
    ])
    const istiod = options.istiod
      ? await startIstiod(supervisor, bins, kc, kubeconfig, dataDir, abort, options.istiodOptions)
      : undefined
    if (istiod) {
      log(`istiod ${istiod.version} ready: xDS ${istiod.grpc}, debug ${istiod.http}/debug/config_dump`)
    }
    abort()
    ready = true
    return {
      istiod,
      kubeconfig,
      server,
      dataDir,
      ports,
      supervisor,
      binaries: bins,
      stop,
    }
  } catch (err) {
    log(`start failed, stopping what was started: ${err instanceof Error ? err.message : String(err)}`)
    await stop()
    throw err
  }
}
