// Same-origin checks for the terminal websocket and state-changing API calls, so no other site
// open in the learner's browser can drive the shell (cross-site websocket hijacking) or the API.

/** True when `origin` is this server (same host:port as the Host header) or explicitly allowed. */
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
  try {
    const url = new URL(origin)
    return (url.protocol === 'http:' || url.protocol === 'https:') && host !== undefined && url.host === host
  } catch {
    return false
  }
}
