// The instructor pages: sign in (admin token or password), then the cohorts, one cohort with its
// live grade book, the printable handout, and watching a trainee's terminal read-only.
import { ApiError } from '../../api-client.ts'
import { byId, h } from '../../dom.ts'
import { instructorApi, instructorToken } from './api.ts'
import { showCohortList } from './cohort-list.ts'
import { showCohort } from './cohort-view.ts'
import { showHandout } from './handout.ts'
import { showWatch } from './watch.ts'

export async function showInstructor(main: HTMLElement, path: string): Promise<void> {
  byId('crumbs').replaceChildren(h('a', { href: '/instructor' }, 'Instructor'))
  if (!instructorToken.get()) {
    showSignIn(main, () => void showInstructor(main, path))
    return
  }
  try {
    const m = /^\/instructor\/cohorts\/([\w-]+)(?:\/(handout|watch\/(trainee\d+)))?\/?$/.exec(path)
    if (m?.[1] && m[2] === 'handout') {
      await showHandout(main, m[1])
    } else if (m?.[1] && m[3]) {
      await showWatch(main, m[1], m[3])
    } else if (m?.[1]) {
      await showCohort(main, m[1])
    } else {
      await showCohortList(main)
    }
  } catch (err) {
    if (err instanceof ApiError && err.code === 'LAB_ERR_AUTH_REQUIRED') {
      showSignIn(main, () => void showInstructor(main, path))
      return
    }
    throw err
  }
}

function showSignIn(main: HTMLElement, done: () => void): void {
  document.title = 'Instructor sign-in · kindlab'
  const secret = h('input', { id: 'admin-secret', type: 'password', required: true, autocomplete: 'current-password' })
  const kind = h(
    'select',
    { id: 'admin-kind' },
    h('option', { value: 'adminToken' }, 'Admin token'),
    h('option', { value: 'password' }, 'Password'),
  )
  const error = h('p', { class: 'form-error', role: 'alert' })
  const form = h(
    'form',
    { class: 'panel-form', 'aria-labelledby': 'signin-title' },
    h('h1', { id: 'signin-title' }, 'Instructor sign-in'),
    h(
      'p',
      { class: 'muted' },
      'Use the admin token kindlab printed at its first start, or the password set with `kindlab cohort password`.',
    ),
    h('label', { for: 'admin-kind' }, 'Sign in with'),
    kind,
    h('label', { for: 'admin-secret' }, 'Secret'),
    secret,
    h('button', { type: 'submit' }, 'Sign in'),
    error,
  )
  form.addEventListener('submit', (event) => {
    event.preventDefault()
    error.textContent = ''
    instructorApi
      .login({ [kind.value]: secret.value })
      .then((session) => {
        instructorToken.set(session.token)
        done()
      })
      .catch((err: unknown) => {
        error.textContent = err instanceof ApiError ? `${err.message} ${err.hint ?? ''}` : 'Sign-in failed.'
      })
  })
  main.replaceChildren(h('section', { class: 'instructor' }, form))
  secret.focus()
}
