// Optional istiod (pilot-discovery built from the istio.io/istio module) running out of cluster
// against the control plane, on free loopback ports; its endpoints are written to istiod.json.
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { ApiException, CoreV1Api, type KubeConfig } from '@kubernetes/client-node'
import { poll } from './poll.ts'
import { freePorts } from './ports.ts'
import type { Supervisor } from './procs.ts'
import { versions } from './versions.ts'

/** Where istiod listens; `http` serves /ready and /debug/*, `grpc` is plaintext xDS (15010 in a cluster). */
export interface IstiodEndpoints {
  http: string
  grpc: string
  /** mTLS xDS and CA (15012 in a cluster); its certificate is for istiod.istio-system.svc. */
  secureGrpc: string
  monitoring: string
  /** Namespace istiod runs "in" (its POD_NAMESPACE). */
  namespace: string
  version: string
  /** Path of the xdsprobe binary (a minimal ADS client) built with istiod. */
  xdsprobe: string
  /**
   * With `injectionFiles`: the folder istiod reads its injection templates from (`config`,
   * `values`) and watches; writing them there reloads them.
   */
  injectionDir?: string
}

export const istiodNamespace = 'istio-system'

/** What a data plane needs changed in istiod (see dataplane/). */
export interface IstiodOptions {
  /** Extra environment, e.g. PILOT_ENABLE_METADATA_EXCHANGE=false for upstream Envoy. */
  env?: Record<string, string>
  /** Address the secure gRPC port binds to (a network namespace's peer cannot reach 127.0.0.1). */
  secureGrpcHost?: string
  /** MeshConfig YAML written to ./etc/istio/config/mesh (istiod's default --meshConfig). */
  meshConfig?: string
  /**
   * Injection templates written to ./var/lib/istio/inject (istiod's default injection folder) before
   * it starts. istiod reads them only at start-up if neither they nor the istio-sidecar-injector
   * ConfigMap exist then, and its Gateway API deployment controller renders each Gateway's
   * Deployment with them (template kube-gateway); it watches the files, so the real ones can be
   * written later (see `injectionDir`).
   */
  injectionFiles?: { config: string; values: string }
}

/** Injection templates that parse and render nothing, until the real ones are written. */
export const emptyInjectionFiles = { config: 'policy: disabled\ntemplates: {}\n', values: '{}\n' }

async function ensureNamespace(core: CoreV1Api, name: string): Promise<void> {
  try {
    await core.createNamespace({ body: { metadata: { name } } })
  } catch (err) {
    if (!(err instanceof ApiException && err.code === 409)) {
      throw err
    }
  }
}

/** Starts istiod under `supervisor` and resolves once /ready answers 200. */
export async function startIstiod(
  supervisor: Supervisor,
  binaries: { pilotDiscovery: string; xdsprobe: string },
  kc: KubeConfig,
  kubeconfigPath: string,
  dataDir: string,
  abort: () => void,
  options: IstiodOptions = {},
): Promise<IstiodEndpoints> {
  await ensureNamespace(kc.makeApiClient(CoreV1Api), istiodNamespace)
  const [http = 0, grpc = 0, secureGrpc = 0, monitoring = 0, webhook = 0] = await freePorts(5)
  // Relative defaults (./etc/cacerts, ./var/lib/istio, ./etc/istio/config/mesh) resolve under here.
  const cwd = join(dataDir, 'istiod')
  mkdirSync(cwd, { recursive: true })
  if (options.meshConfig !== undefined) {
    mkdirSync(join(cwd, 'etc/istio/config'), { recursive: true })
    writeFileSync(join(cwd, 'etc/istio/config/mesh'), options.meshConfig)
  }
  const injectionDir = join(cwd, 'var/lib/istio/inject')
  if (options.injectionFiles !== undefined) {
    mkdirSync(injectionDir, { recursive: true })
    writeInjectionFiles(injectionDir, options.injectionFiles)
  }
  const secureHost = options.secureGrpcHost ?? '127.0.0.1'
  supervisor.start(
    'istiod',
    binaries.pilotDiscovery,
    [
      'discovery',
      `--kubeconfig=${kubeconfigPath}`,
      `--httpAddr=127.0.0.1:${http}`,
      `--grpcAddr=127.0.0.1:${grpc}`,
      `--secureGRPCAddr=${secureHost}:${secureGrpc}`,
      `--monitoringAddr=127.0.0.1:${monitoring}`,
      `--httpsAddr=127.0.0.1:${webhook}`,
      '--domain=cluster.local',
      '--log_output_level=default:info',
    ],
    {
      cwd,
      env: {
        ...process.env,
        POD_NAMESPACE: istiodNamespace,
        POD_NAME: 'istiod-kindlab',
        REVISION: 'default',
        CLUSTER_ID: 'Kubernetes',
        // No webhooks to patch here, and no pod running istiod to look up.
        INJECTION_WEBHOOK_CONFIG_NAME: '',
        VALIDATION_WEBHOOK_CONFIG_NAME: '',
        PILOT_ENABLE_GATEWAY_API: 'false',
        ...options.env,
      },
    },
  )
  const endpoints: IstiodEndpoints = {
    http: `http://127.0.0.1:${http}`,
    grpc: `127.0.0.1:${grpc}`,
    secureGrpc: `${secureHost}:${secureGrpc}`,
    monitoring: `http://127.0.0.1:${monitoring}`,
    namespace: istiodNamespace,
    version: versions.istio,
    xdsprobe: binaries.xdsprobe,
    ...(options.injectionFiles !== undefined ? { injectionDir } : {}),
  }
  await poll(async () => ((await fetch(`${endpoints.http}/ready`)).status === 200 ? true : undefined), {
    what: 'istiod /ready',
    timeoutMs: 120_000,
    abort,
  })
  writeFileSync(join(dataDir, 'istiod.json'), `${JSON.stringify(endpoints, null, 2)}\n`)
  return endpoints
}

/** Writes istiod's injection files (values first: istiod reloads on the write of either). */
export function writeInjectionFiles(dir: string, files: { config: string; values: string }): void {
  writeFileSync(join(dir, 'values'), files.values)
  writeFileSync(join(dir, 'config'), files.config)
}
