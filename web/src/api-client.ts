// Typed calls to the kindlab HTTP API. Errors come back as ApiError with the server's code,
// sentence and hint, so the page can show them as they are.
import type {
  ApiErrorBody,
  CheckRunDto,
  LabDto,
  LabSummaryDto,
  ProgressDto,
  SessionDto,
  StatusDto,
  StepDto,
  WorkspaceFileDto,
} from '../../server/protocol/api-dto.ts'

export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly hint: string | undefined,
    /** The form field the server says the error is about. */
    readonly field?: string,
  ) {
    super(message)
  }
}

const tokenKey = 'kindlab.session'

async function call<T>(method: string, path: string, body?: unknown, token?: string): Promise<T> {
  const headers: Record<string, string> = {}
  if (body !== undefined) {
    headers['content-type'] = 'application/json'
  }
  if (token) {
    headers['authorization'] = `Bearer ${token}`
  }
  Object.assign(headers, accessHeaders())
  let res: Response
  try {
    res = await fetch(path, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) })
  } catch {
    throw new ApiError(
      'LAB_ERR_OFFLINE',
      'The kindlab server cannot be reached.',
      'Is `kindlab` still running? Start it again, then reload.',
    )
  }
  if (res.status === 204) {
    return undefined as T
  }
  const data = (await res.json().catch(() => ({}))) as T | ApiErrorBody
  if (!res.ok) {
    const e = (data as ApiErrorBody).error ?? {
      code: 'LAB_ERR_INTERNAL',
      message: `The server answered ${res.status}.`,
    }
    throw new ApiError(e.code, e.message, e.hint, e.field)
  }
  return data as T
}

const accessKey = 'kindlab.access'

/** The server's access token for the calls that start a session (join, sign-in), if it has one. */
export function accessHeaders(): Record<string, string> {
  const access = sessionStorage.getItem(accessKey)
  return access ? { 'x-kindlab-access': access } : {}
}

/**
 * Takes an access token from the URL fragment (#access=... or #t=...&access=...) once, for servers
 * with KINDLAB_ACCESS_TOKEN, and leaves the rest of the fragment (a trainee's join token) in place.
 */
export function captureAccessToken(): void {
  const params = new URLSearchParams(location.hash.slice(1))
  const access = params.get('access')
  if (access) {
    sessionStorage.setItem(accessKey, access)
    params.delete('access')
    const rest = params.toString()
    history.replaceState(null, '', location.pathname + location.search + (rest ? `#${rest}` : ''))
  }
}

/** Returns this browser's session token, creating a session when there is none or it expired. */
export async function ensureSession(): Promise<string> {
  const saved = localStorage.getItem(tokenKey)
  if (saved) {
    try {
      await call('GET', '/api/session', undefined, saved)
      return saved
    } catch (err) {
      if (!(err instanceof ApiError) || err.code !== 'LAB_ERR_AUTH_REQUIRED') {
        throw err
      }
    }
  }
  const created = await call<SessionDto>('POST', '/api/sessions', {})
  localStorage.setItem(tokenKey, created.token)
  return created.token
}

export const api = {
  status: () => call<StatusDto>('GET', '/api/status'),
  labs: () => call<LabSummaryDto[]>('GET', '/api/labs'),
  /** With the session's token: its own titles and, with gating, which steps are locked and why. */
  lab: (id: string, token?: string) => call<LabDto>('GET', `/api/labs/${encodeURIComponent(id)}`, undefined, token),
  step: (id: string, index: number, token: string) =>
    call<StepDto>('GET', `/api/labs/${encodeURIComponent(id)}/steps/${index}`, undefined, token),
  progress: (id: string, token: string) =>
    call<ProgressDto>('GET', `/api/labs/${encodeURIComponent(id)}/progress`, undefined, token),
  setCurrent: (id: string, step: number, token: string) =>
    call<undefined>('PUT', `/api/labs/${encodeURIComponent(id)}/progress/current`, { step }, token),
  check: (id: string, index: number, token: string, checkIds?: string[]) =>
    call<CheckRunDto>(
      'POST',
      `/api/labs/${encodeURIComponent(id)}/steps/${index}/check`,
      checkIds ? { checkIds } : {},
      token,
    ),
  /** A workspace file as it is now, with the version a later save can expect. */
  readFile: (name: string, token: string) =>
    call<WorkspaceFileDto>('GET', `/api/workspace/files?name=${encodeURIComponent(name)}`, undefined, token),
  /**
   * Writes a workspace file. With `expectedVersion` (null: must not exist yet) the server refuses
   * with LAB_ERR_WORKSPACE_CHANGED when the file changed since it was read.
   */
  saveFile: (name: string, content: string, token: string, expectedVersion?: string | null) =>
    call<{ path: string; version: string }>(
      'POST',
      '/api/workspace/files',
      { name, content, ...(expectedVersion !== undefined ? { expectedVersion } : {}) },
      token,
    ),
}
