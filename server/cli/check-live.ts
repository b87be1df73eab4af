// `kindlab check --kubeconfig/--context [--gateway ADDRESS] [--envoy-admin URL]`: the grading
// services for a live cluster (the learner's objects from the API, the gateway's Envoy and real
// traffic), from the blueprint's gateway. Flags are validated here; nothing connects until a check runs.
import { isIP } from 'node:net'
import { createLiveServices, type ProbeRoute } from '../adapters/live/live-services.ts'
import { AppError } from '../errors.ts'
import { loadBlueprint } from '../provision/blueprint.ts'

export interface LiveCheckFlags {
  kubeconfig?: string
  context?: string
  gateway?: string
  envoyAdmin?: string
}

/** True when the flags attach a cluster (grading live). */
export const wantsLive = (flags: LiveCheckFlags): boolean => Boolean(flags.kubeconfig || flags.context)

/** `http://host:port` of Envoy's admin API; anything else is a usage error. */
export function parseEnvoyAdmin(value: string): { host: string; port: number } {
  let url: URL | undefined
  try {
    url = new URL(value)
  } catch {
    url = undefined
  }
  const port = Number(url?.port)
  if (!url || url.protocol !== 'http:' || !url.hostname || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new AppError('LAB_ERR_USAGE', {
      message: `--envoy-admin ${value} is not an http://host:port URL.`,
      hint: "Example: --envoy-admin http://10.0.0.4:15000 (the gateway Envoy's admin port, usually 15000).",
    })
  }
  return { host: url.hostname.replace(/^\[|\]$/g, ''), port }
}

/** A host name or IP address, nothing else (no scheme, port or path). */
function parseGatewayAddress(value: string): string {
  const bare = value.replace(/^\[(.*)\]$/, '$1')
  const hostName = /^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$/
  if (isIP(bare) === 0 && !hostName.test(value)) {
    throw new AppError('LAB_ERR_USAGE', {
      message: `--gateway ${value} is not a host name or IP address.`,
      hint: 'Give the address only, e.g. --gateway 203.0.113.7; kindlab picks the ports from the gateway Service.',
    })
  }
  return bare
}

/** The services for live grading, or a usage error for a gateway flag without a cluster. */
export async function liveCheckServices(flags: LiveCheckFlags): Promise<Record<string, unknown> | undefined> {
  if (!wantsLive(flags)) {
    if (flags.gateway || flags.envoyAdmin) {
      throw new AppError('LAB_ERR_USAGE', {
        message: '--gateway and --envoy-admin need a cluster to grade against.',
        hint: 'Add --kubeconfig PATH or --context NAME.',
      })
    }
    return undefined
  }
  const bp = await loadBlueprint()
  const gateway = {
    namespace: bp.istio.namespace,
    service: bp.istio.ingress.service,
    selector: bp.istio.ingress.selector,
    adminPort: bp.istio.ingress.adminPort,
  }
  const kube = {
    ...(flags.kubeconfig ? { kubeconfigPath: flags.kubeconfig } : {}),
    ...(flags.context ? { context: flags.context } : {}),
  }
  const probe: ProbeRoute = flags.gateway
    ? { type: 'address', host: parseGatewayAddress(flags.gateway), gateway }
    : { type: 'service', gateway, inCluster: Boolean(process.env['KUBERNETES_SERVICE_HOST']) }
  return createLiveServices({
    kube,
    gateway,
    probe,
    ...(flags.envoyAdmin ? { envoyAdmin: parseEnvoyAdmin(flags.envoyAdmin) } : {}),
  })
}
