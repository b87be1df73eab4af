// Which Host and Origin headers this server answers. Pure: no I/O. A DNS-rebinding page reaches
// the server under the attacker's own name (Host: evil.example:4280), so only names that cannot be
// rebound (loopback names and addresses) and the names the operator configured (`--host`,
// `--public-url`) are served. Origins must match scheme, host and port of an allowed origin.
import { isIP } from 'node:net'
import { isAllowedOrigin } from './origin.ts'

/** Options of {@link createHostPolicy}. */
export interface HostPolicyOptions {
  /** The address the server listens on (`--host`); a wildcard (0.0.0.0, ::) adds no name. */
  listenHost: string
  /** The address people open (`--public-url`), e.g. https://kindlab.class.example. */
  publicUrl?: string | undefined
  /** Extra origins allowed to call the API and open terminals (KINDLAB_ALLOWED_ORIGINS). */
  allowedOrigins: readonly string[]
}

/** Decides, per request, whether the Host and Origin headers are ours. */
export interface HostPolicy {
  /** True when the Host header names this server. */
  allowsHost(host: string | undefined): boolean
  /** True when `origin` is absent (curl) or is an origin of this server or explicitly allowed. */
  allowsOrigin(origin: string | undefined, host: string | undefined): boolean
}

const WILDCARDS = new Set(['0.0.0.0', '::', '[::]', ''])

/** Lower-cased host name of a Host header (brackets kept for IPv6), or undefined if malformed. */
export function hostnameOf(host: string | undefined): string | undefined {
  if (host === undefined || host === '' || /[\s/?#@\\]/.test(host)) {
    return undefined
  }
  try {
    return new URL(`http://${host}`).hostname.replace(/\.$/, '')
  } catch {
    return undefined
  }
}

/** localhost, *.localhost (browsers resolve both to loopback), 127.0.0.0/8 and [::1]. */
export function isLoopbackName(hostname: string): boolean {
  return (
    hostname === 'localhost' ||
    hostname.endsWith('.localhost') ||
    hostname === '[::1]' ||
    (isIP(hostname) === 4 && hostname.startsWith('127.'))
  )
}

/** True for an IP literal (v4, or v6 in brackets as URL.hostname writes it). */
function isIpLiteral(hostname: string): boolean {
  return isIP(hostname) === 4 || (hostname.startsWith('[') && isIP(hostname.slice(1, -1)) === 6)
}

/**
 * Builds the policy once at start.
 * @example
 * const policy = createHostPolicy({ listenHost: '127.0.0.1', allowedOrigins: [] })
 * policy.allowsHost('evil.example:4280') // false
 */
export function createHostPolicy(options: HostPolicyOptions): HostPolicy {
  const names = new Set<string>()
  const listen = options.listenHost.trim().toLowerCase()
  const isWildcard = WILDCARDS.has(listen)
  if (!isWildcard) {
    const name = hostnameOf(isIP(listen) === 6 ? `[${listen}]` : listen)
    if (name) {
      names.add(name)
    }
  }
  const publicUrl = options.publicUrl ? new URL(options.publicUrl) : undefined
  if (publicUrl) {
    names.add(publicUrl.hostname.replace(/\.$/, ''))
  }
  const extraOrigins = [...options.allowedOrigins, ...(publicUrl ? [publicUrl.origin] : [])]
  const allowsHost = (host: string | undefined): boolean => {
    const name = hostnameOf(host)
    if (name === undefined) {
      return false
    }
    // Listening on every address, the server is reached by any of the machine's addresses; an IP
    // literal cannot be rebound (the browser connected to exactly that address), a name can.
    return isLoopbackName(name) || names.has(name) || (isWildcard && isIpLiteral(name))
  }
  return {
    allowsHost,
    allowsOrigin(origin, host) {
      if (origin === undefined) {
        return true
      }
      if (!allowsHost(host)) {
        return false
      }
      // Behind an https proxy the page's origin is the public URL, not http://<Host>.
      const viaPublic = publicUrl !== undefined && publicUrl.protocol === 'https:' && sameHost(host, publicUrl)
      return viaPublic ? extraOrigins.includes(origin) : isAllowedOrigin(origin, host, extraOrigins)
    },
  }
}

function sameHost(host: string | undefined, url: URL): boolean {
  try {
    return new URL(`${url.protocol}//${host ?? ''}`).host === url.host
  } catch {
    return false
  }
}
