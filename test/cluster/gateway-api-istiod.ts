// A second istiod for the Gateway API suites (the shared one runs with the Gateway API off):
// the Gateway API v1.6.0 CRDs installed from the Go module, then pilot-discovery with
// PILOT_ENABLE_GATEWAY_API=true and its deployment controller off (the suites create the proxy's
// Service themselves). Test code only.
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

/** Installs the standard-channel CRDs and starts istiod with the Gateway API on; resolves once it is ready. */
export async function startGatewayApiIstiod(kc: KubeConfig, name: string): Promise<GatewayApiIstiod> {
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
      { env: { PILOT_ENABLE_GATEWAY_API: 'true', PILOT_ENABLE_GATEWAY_API_DEPLOYMENT_CONTROLLER: 'false' } },
    )
    return { istiod, stop }
  } catch (err) {
    await stop()
    throw err
  }
}
