// The live-grading flags `check`, `serve` and `up` share: --kubeconfig/--context attach a cluster,
// --gateway/--envoy-admin say how its ingress gateway is reached. One declaration, one validator:
// a bad value is a usage error (exit 2) with one sentence and a hint, before anything connects.
import { existsSync } from 'node:fs'
import { isIP } from 'node:net'
import type { Command } from 'commander'
import type { KubeTarget } from '../adapters/kube/kube-config.ts'
import type { EnvoyAdminAccess } from '../adapters/live/live-cluster.ts'
import { AppError } from '../errors.ts'

export interface LiveFlags {
  kubeconfig?: string
  context?: string
  gateway?: string
  envoyAdmin?: string
}

/** A cluster to grade against, validated. */
export interface LiveTarget {
  kube: KubeTarget
  /** `--gateway`: the host name or IP probes dial (no scheme, port or path). */
  gateway?: string
  /**
   * `--envoy-admin`: where /config_dump is read instead of through a port-forward: the ingress
   * gateway's admin URL, or `pod:PORT` (each gateway pod's own IP, Kubernetes Gateways' too).
   */
  envoyAdmin?: EnvoyAdminAccess
}

/** Adds the four flags to a command (`context`: its description, which differs per command). */
export function liveFlagOptions(cmd: Command, context = 'grade live against this kubeconfig context'): Command {
  return cmd
    .option('--kubeconfig <path>', 'grade live against this cluster: its objects, the gateway Envoy, real traffic')
    .option('--context <name>', context)
    .option(
      '--gateway <address>',
      'live: reach the ingress gateway at this address (a load balancer, or a gateway pod IP)',
    )
    .option(
      '--envoy-admin <url|pod:port>',
      "live: read the ingress gateway Envoy's /config_dump at this admin URL instead of a port-forward; pod:PORT: Envoy's admin API is on each gateway pod's own IP at PORT (Kubernetes Gateways' proxies too)",
    )
}

/** True when the flags attach a cluster (grading live). */
export const wantsLive = (flags: LiveFlags): boolean => Boolean(flags.kubeconfig || flags.context)

const usage = (message: string, hint: string): AppError => new AppError('LAB_ERR_USAGE', { message, hint })

/**
 * `http://host:port` of the ingress gateway Envoy's admin API, or `pod:PORT` (the admin API on
 * each gateway pod's own IP); anything else is a usage error.
 */
export function parseEnvoyAdmin(value: string): EnvoyAdminAccess {
  if (value.startsWith('pod:')) {
    const port = /^pod:([1-9]\d{0,4})$/.exec(value)?.[1]
    if (port === undefined || Number(port) > 65535) {
      throw usage(
        `--envoy-admin ${value} is not pod:PORT with a port from 1 to 65535.`,
        "Example: --envoy-admin pod:15000 when Envoy's admin API is reachable on each gateway pod's IP at port 15000.",
      )
    }
    return { podPort: Number(port) }
  }
  let url: URL | undefined
  try {
    url = new URL(value)
  } catch {
    url = undefined
  }
  // URL drops a scheme's default port: http://host:80 has port ''.
  const port = url?.port === '' && /:80\/?$/.test(value) ? 80 : Number(url?.port)
  const bare = !url || (url.pathname === '/' && !url.search && !url.hash && !url.username && !url.password)
  if (
    !url ||
    !bare ||
    url.protocol !== 'http:' ||
    !url.hostname ||
    !Number.isInteger(port) ||
    port < 1 ||
    port > 65535
  ) {
    throw usage(
      `--envoy-admin ${value} is not an http://host:port URL or pod:PORT.`,
      "Example: --envoy-admin http://10.0.0.4:15000 (the ingress gateway Envoy's admin port, usually 15000), or --envoy-admin pod:15000 (the admin API on each gateway pod's IP).",
    )
  }
  return { host: url.hostname.replace(/^\[|\]$/g, ''), port }
}

const hostName = /^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$/

/** A host name or IP address, nothing else (no scheme, port or path). */
export function parseGatewayAddress(value: string): string {
  const bare = value.replace(/^\[(.*)\]$/, '$1')
  if (isIP(bare) === 0 && (value.length > 253 || !hostName.test(value))) {
    throw usage(
      `--gateway ${value} is not a host name or IP address.`,
      'Give the address only, e.g. --gateway 203.0.113.7; kindlab picks the ports from the gateway Service.',
    )
  }
  return bare
}

/**
 * The validated target, or undefined without --kubeconfig/--context. --gateway and --envoy-admin
 * without a cluster, an empty --kubeconfig or --context, and malformed values are usage errors.
 */
export function parseLiveFlags(flags: LiveFlags): LiveTarget | undefined {
  for (const [flag, value] of [
    ['--kubeconfig', flags.kubeconfig],
    ['--context', flags.context],
  ] as const) {
    if (value !== undefined && value.trim() === '') {
      throw usage(
        `${flag} needs a value.`,
        `Example: ${flag === '--context' ? '--context kind-kindlab' : '--kubeconfig ~/.kube/config'}`,
      )
    }
  }
  if (flags.kubeconfig !== undefined && !existsSync(flags.kubeconfig)) {
    throw usage(
      `--kubeconfig ${flags.kubeconfig} does not exist.`,
      'Give the path of a kubeconfig file, e.g. the KUBECONFIG= line `npm run cluster:sim` or `kind get kubeconfig` prints.',
    )
  }
  if (!wantsLive(flags)) {
    if (flags.gateway || flags.envoyAdmin) {
      throw usage(
        '--gateway and --envoy-admin need a cluster to grade against.',
        'Add --kubeconfig PATH or --context NAME.',
      )
    }
    return undefined
  }
  return {
    kube: {
      ...(flags.kubeconfig ? { kubeconfigPath: flags.kubeconfig } : {}),
      ...(flags.context ? { context: flags.context } : {}),
    },
    ...(flags.gateway !== undefined ? { gateway: parseGatewayAddress(flags.gateway) } : {}),
    ...(flags.envoyAdmin !== undefined ? { envoyAdmin: parseEnvoyAdmin(flags.envoyAdmin) } : {}),
  }
}
