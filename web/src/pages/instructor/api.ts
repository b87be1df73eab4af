// The instructor's calls to the cohort API, with the instructor session token kept in this tab
// (sessionStorage). Errors come back as ApiError with the server's code, sentence and hint.
import { accessHeaders, ApiError } from '../../api-client.ts'
import { reconnectDelayMs } from '../../reconnect-backoff.ts'
import type {
  CohortDetailDto,
  CohortSummaryDto,
  CreateCohortBody,
  GradeBookDto,
  GradeBookEventDto,
  HandoutDto,
  InstructorSessionDto,
  TraineeDto,
  WatchTokenDto,
} from '../../../../server/protocol/cohort-dto.ts'

const key = 'kindlab.instructor'

export const instructorToken = {
  get: (): string | null => sessionStorage.getItem(key),
  set: (token: string) => sessionStorage.setItem(key, token),
  clear: () => sessionStorage.removeItem(key),
}

async function request(method: string, path: string, body?: unknown): Promise<Response> {
  const headers: Record<string, string> = { ...accessHeaders() }
  const token = instructorToken.get()
  if (token) {
    headers['authorization'] = `Bearer ${token}`
  }
  if (body !== undefined) {
    headers['content-type'] = 'application/json'
  }
  let res: Response
  try {
    res = await fetch(path, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) })
  } catch {
    throw new ApiError('LAB_ERR_OFFLINE', 'The kindlab server cannot be reached.', 'Is `kindlab` still running?')
  }
  if (!res.ok) {
    const data = (await res.json().catch(() => ({}))) as {
      error?: { code: string; message: string; hint?: string; field?: string }
    }
    const e = data.error ?? { code: 'LAB_ERR_INTERNAL', message: `The server answered ${res.status}.` }
    if (e.code === 'LAB_ERR_AUTH_REQUIRED') {
      instructorToken.clear()
    }
    throw new ApiError(e.code, e.message, e.hint, e.field)
  }
  return res
}

async function json<T>(method: string, path: string, body?: unknown): Promise<T> {
  return (await (await request(method, path, body)).json()) as T
}

const c = (id: string) => `/api/cohorts/${encodeURIComponent(id)}`

export const instructorApi = {
  login: (body: { adminToken?: string; password?: string }) =>
    json<InstructorSessionDto>('POST', '/api/instructor/session', body),
  logout: () => request('DELETE', '/api/instructor/session'),
  list: () => json<CohortSummaryDto[]>('GET', '/api/cohorts'),
  create: (body: CreateCohortBody) => json<CohortDetailDto>('POST', '/api/cohorts', body),
  detail: (id: string) => json<CohortDetailDto>('GET', c(id)),
  handout: (id: string) => json<HandoutDto>('GET', `${c(id)}/handout`),
  plan: (id: string) => json<{ live: boolean; plan: unknown }>('GET', `${c(id)}/plan`),
  gradebook: (id: string) => json<GradeBookDto>('GET', `${c(id)}/gradebook`),
  csv: async (id: string) => (await request('GET', `${c(id)}/gradebook.csv`)).blob(),
  reset: (id: string, trainee: string) => json<TraineeDto>('POST', `${c(id)}/trainees/${trainee}/reset`, {}),
  watch: (id: string, trainee: string) => json<WatchTokenDto>('POST', `${c(id)}/trainees/${trainee}/watch`, {}),
  /** Gating: open every step for one trainee, or gate them again (204, no body). */
  openSteps: async (id: string, trainee: string, open: boolean): Promise<void> => {
    await request('PUT', `${c(id)}/trainees/${trainee}/gating`, { open })
  },
  teardown: (id: string) => json<{ leftovers: string[] }>('DELETE', c(id)),
}

/**
 * Follows the grade book stream (server-sent events read with fetch, so the token stays in a
 * header). Reconnects after a drop; returns a function that stops it.
 */
export function followGradeBook(
  id: string,
  onEvent: (event: GradeBookEventDto) => void,
  onState: (live: boolean) => void,
): () => void {
  const abort = new AbortController()
  const run = async (): Promise<void> => {
    let attempt = 0
    while (!abort.signal.aborted) {
      try {
        const res = await fetch(`${c(id)}/gradebook/stream`, {
          headers: { authorization: `Bearer ${instructorToken.get() ?? ''}` },
          signal: abort.signal,
        })
        if (!res.ok || !res.body) {
          throw new Error(`stream answered ${res.status}`)
        }
        onState(true)
        attempt = 0
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader()
        let buffer = ''
        for (;;) {
          const { value, done } = await reader.read()
          if (done) {
            break
          }
          buffer += value
          let end = buffer.indexOf('\n\n')
          while (end >= 0) {
            const block = buffer.slice(0, end)
            buffer = buffer.slice(end + 2)
            const data = block
              .split('\n')
              .filter((l) => l.startsWith('data: '))
              .map((l) => l.slice(6))
              .join('\n')
            if (data) {
              onEvent(JSON.parse(data) as GradeBookEventDto)
            }
            end = buffer.indexOf('\n\n')
          }
        }
      } catch {
        // dropped: fall through to the retry below
      }
      onState(false)
      if (!abort.signal.aborted) {
        attempt++
        await new Promise((resolve) => setTimeout(resolve, reconnectDelayMs(attempt)))
      }
    }
  }
  void run()
  return () => abort.abort()
}
