// A second istiod for the Gateway API suites (the shared one runs with the Gateway API off):
// the Gateway API v1.6.0 CRDs installed from the Go module, then pilot-discovery with
// PILOT_ENABLE_GATEWAY_API=true and its deployment controller off (the suites create the proxy's
// Service themselves) unless asked for: then istiod deploys each Gateway's proxy with the
// kube-gateway template of the `istio-sidecar-injector` ConfigMap, which must be in its namespace
// before it starts (istiod reads that ConfigMap when it has no injection files). Test code only.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ApiextensionsV1Api, type KubeConfig } from '@kubernetes/client-node'
import { inject } from 'vitest'
import { binaries } from './build.ts'
import { installGatewayApiCrds } from './gateway-api-crds.ts'
import { type IstiodEndpoints, startIstiod } from './istiod.ts'
import { Supervisor } from './procs.ts'

export interface GatewayApiIstiod {
  istiod: IstiodEndpoints
  /** Stops istiod and removes its data folder. */
  stop(): Promise<void>
}

export interface GatewayApiIstiodOptions {
  /** Run the deployment controller (a `<gateway>-istio` Deployment, Service, ServiceAccount per Gateway). @default false */
  deploymentController?: boolean
}

/** Installs the standard-channel CRDs and starts istiod with the Gateway API on; resolves once it is ready. */
export async function startGatewayApiIstiod(
  kc: KubeConfig,
  name: string,
  options: GatewayApiIstiodOptions = {},
): Promise<GatewayApiIstiod> {
  await installGatewayApiCrds(kc.makeApiClient(ApiextensionsV1Api))
  const dataDir = mkdtempSync(join(tmpdir(), `kindlab-${name}-istiod-`))
  const supervisor = new Supervisor(dataDir)
  const stop = async (): Promise<void> => {
    await supervisor.stop()
    rmSync(dataDir, { recursive: true, force: true })
  }
  const died = { message: '' }
  supervisor.onUnexpectedExit((proc, code) => {
    died.message = `${proc.name} exited with ${code}: ${supervisor.tail(proc)}`
  })
  try {
    const istiod = await startIstiod(
      supervisor,
      binaries(),
      kc,
      inject('kubeconfig'),
      dataDir,
      () => {
        if (died.message !== '') {
          throw new Error(died.message)
        }
      },
      {
        env: {
          PILOT_ENABLE_GATEWAY_API: 'true',
          PILOT_ENABLE_GATEWAY_API_DEPLOYMENT_CONTROLLER: String(options.deploymentController ?? false),
        },
      },
    )
    return { istiod, stop }
  } catch (err) {
    await stop()
    throw err
  }
}
