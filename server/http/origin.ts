// Same-origin checks for the terminal websocket and state-changing API calls, so no other site
// open in the learner's browser can drive the shell (cross-site websocket hijacking) or the API.
// The server itself speaks plain http: an https origin on its Host is another origin (an https
// public address behind a proxy is allowed through `extra`, see host-policy.ts).

/** True when `origin` is this server (http, same host:port as the Host header) or explicitly allowed. */
export function isAllowedOrigin(
  origin: string | undefined,
  host: string | undefined,
  extra: readonly string[],
): boolean {
  if (origin === undefined) {
    // Browsers always send Origin on websockets and cross-site POSTs; tools like curl do not.
    return true
  }
  if (extra.includes(origin)) {
    return true
  }
  if (host === undefined) {
    return false
  }
  try {
    const url = new URL(origin)
    return url.protocol === 'http:' && url.origin === origin && url.host === new URL(`http://${host}`).host
  } catch {
    return false
  }
}
