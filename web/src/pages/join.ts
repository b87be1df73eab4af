// The join page (`/join/<cohort>`): a personal link (#t=...) joins at once; otherwise the trainee
// types the class code and their name. The session token is kept like a solo learner's, and the
// lab opens with the trainee's own variables (TRAINEE_DOMAIN, ...).
import { accessHeaders, ApiError } from '../api-client.ts'
import { byId, h } from '../dom.ts'
import type { JoinResultDto } from '../../../server/protocol/cohort-dto.ts'

async function join(body: Record<string, string>): Promise<JoinResultDto> {
  const res = await fetch('/api/join', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...accessHeaders() },
    body: JSON.stringify(body),
  })
  const data = (await res.json().catch(() => ({}))) as JoinResultDto & {
    error?: { code: string; message: string; hint?: string }
  }
  if (!res.ok) {
    const e = data.error ?? { code: 'LAB_ERR_INTERNAL', message: `The server answered ${res.status}.` }
    throw new ApiError(e.code, e.message, e.hint)
  }
  return data
}

function enter(result: JoinResultDto): void {
  localStorage.setItem('kindlab.session', result.token)
  localStorage.setItem(
    'kindlab.trainee',
    JSON.stringify({
      cohort: result.cohort,
      traineeId: result.traineeId,
      domain: result.domain,
      rejoin: result.rejoinPath,
    }),
  )
  location.assign(`/labs/${result.labId}`)
}

/** After a class-code join: the trainee's own link (to come back from another browser), then the lab. */
function showWelcome(main: HTMLElement, result: JoinResultDto): void {
  const link = new URL(result.rejoinPath, location.origin).href
  const go = h('button', { type: 'button' }, 'Open the lab')
  go.addEventListener('click', () => enter(result))
  main.replaceChildren(
    h(
      'section',
      { class: 'instructor' },
      h(
        'div',
        { class: 'panel-form', role: 'region', 'aria-labelledby': 'welcome-title' },
        h('h1', { id: 'welcome-title' }, `Welcome, you are ${result.traineeId}`),
        h('p', {}, 'Your host names end with ', h('code', {}, result.domain), '.'),
        h('p', {}, 'Your personal link brings you back to your work from any browser. Keep it private:'),
        h('p', { class: 'handout-link' }, h('code', { 'data-testid': 'rejoin-link' }, link)),
        go,
      ),
    ),
  )
  go.focus()
}

export async function showJoin(main: HTMLElement, cohort: string): Promise<void> {
  document.title = `Join ${cohort} · kindlab`
  byId('crumbs').replaceChildren(h('span', {}, `Join ${cohort}`))
  const error = h('p', { class: 'form-error', role: 'alert' })
  const personal = /t=([A-Za-z0-9_-]+)/.exec(location.hash)?.[1]
  if (personal) {
    history.replaceState(null, '', location.pathname)
    main.replaceChildren(h('section', { class: 'instructor' }, h('p', {}, 'Joining…'), error))
    try {
      enter(await join({ joinToken: personal }))
    } catch (err) {
      error.textContent = err instanceof ApiError ? `${err.message} ${err.hint ?? ''}` : 'Could not join.'
    }
    return
  }
  const code = h('input', { id: 'class-code', required: true, autocomplete: 'off', placeholder: 'ABCD-2345' })
  const name = h('input', { id: 'display-name', required: true, maxlength: '60', autocomplete: 'name' })
  const form = h(
    'form',
    { class: 'panel-form', 'aria-labelledby': 'join-title' },
    h('h1', { id: 'join-title' }, `Join ${cohort}`),
    h('label', { for: 'class-code' }, 'Class code'),
    code,
    h('label', { for: 'display-name' }, 'Your name'),
    name,
    h('button', { type: 'submit' }, 'Join'),
    error,
  )
  form.addEventListener('submit', (event) => {
    event.preventDefault()
    error.textContent = ''
    join({ classCode: code.value, displayName: name.value }).then(
      (result) => showWelcome(main, result),
      (err: unknown) => {
        error.textContent = err instanceof ApiError ? `${err.message} ${err.hint ?? ''}` : 'Could not join.'
      },
    )
  })
  main.replaceChildren(h('section', { class: 'instructor' }, form))
  code.focus()
}
