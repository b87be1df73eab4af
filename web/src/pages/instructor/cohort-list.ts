// The instructor's cohorts, and the form that creates one (lab, trainees, mode, domain, reserve).
import { api, ApiError } from '../../api-client.ts'
import { h } from '../../dom.ts'
import type { CohortMode, CreateCohortBody } from '../../../../server/protocol/cohort-dto.ts'
import {
  COHORT_NAME_PATTERN,
  DOMAIN_PATTERN,
  cohortFieldMessages,
  htmlPattern,
  type CohortField,
} from '../../../../server/protocol/cohort-rules.ts'
import { instructorApi } from './api.ts'

type FormControl = HTMLInputElement | HTMLSelectElement

/** A labelled field with its help line and a place for its error, both read by screen readers. */
function field(label: string, input: FormControl, help?: string): HTMLElement {
  const helpId = `${input.id}-help`
  const errorId = `${input.id}-error`
  input.setAttribute('aria-describedby', `${errorId}${help ? ` ${helpId}` : ''}`)
  return h(
    'div',
    { class: 'field' },
    h('label', { for: input.id }, label),
    input,
    h('p', { class: 'field-error', id: errorId, 'data-field-error': input.id }),
    help ? h('small', { class: 'muted', id: helpId }, help) : undefined,
  )
}

/** Shows `message` next to `input` (or clears it) and marks the input invalid for assistive tech. */
function setFieldError(input: FormControl, message: string): void {
  const box = document.getElementById(`${input.id}-error`)
  if (box) {
    box.textContent = message
  }
  if (message) {
    input.setAttribute('aria-invalid', 'true')
  } else {
    input.removeAttribute('aria-invalid')
  }
}

export async function showCohortList(main: HTMLElement): Promise<void> {
  document.title = 'Cohorts · kindlab'
  const [cohorts, labs] = await Promise.all([instructorApi.list(), api.labs()])
  const rows = cohorts.map((c) =>
    h(
      'tr',
      { 'data-cohort': c.name },
      h('th', { scope: 'row' }, h('a', { href: `/instructor/cohorts/${c.id}` }, c.name)),
      h('td', {}, c.labId),
      h('td', {}, `${c.joined} / ${c.seats}`),
      h('td', {}, c.mode),
      h(
        'td',
        c.plannedReason ? { title: c.plannedReason } : {},
        c.state === 'ended'
          ? 'ended'
          : c.offline
            ? c.mode === 'cluster'
              ? 'planned only (no kind)'
              : 'planned only (offline)'
            : `${c.ready} ready`,
      ),
    ),
  )
  const name = h('input', {
    id: 'cohort-name',
    required: true,
    pattern: htmlPattern(COHORT_NAME_PATTERN),
    maxlength: '30',
    placeholder: 'istio-class',
    autocomplete: 'off',
  })
  const lab = h('select', { id: 'cohort-lab' }, ...labs.map((l) => h('option', { value: l.id }, l.title)))
  const trainees = h('input', {
    id: 'cohort-trainees',
    type: 'number',
    min: '1',
    max: '200',
    value: '20',
    required: true,
  })
  const mode = h(
    'select',
    { id: 'cohort-mode' },
    h('option', { value: 'namespace' }, 'namespace (one cluster)'),
    h('option', { value: 'cluster' }, 'cluster (a kind cluster per trainee, up to 8)'),
  )
  const domain = h('input', {
    id: 'cohort-domain',
    pattern: htmlPattern(DOMAIN_PATTERN),
    maxlength: '200',
    placeholder: 'istio-class.example',
  })
  const reserve = h('input', { id: 'cohort-reserve', type: 'number', min: '0', max: '200', value: '5' })
  const webhook = h('input', { id: 'cohort-webhook', type: 'url', placeholder: 'https://example.org/hooks/kindlab' })
  const gating = h(
    'select',
    { id: 'cohort-gating' },
    h('option', { value: '' }, 'as the lab says'),
    h('option', { value: 'on' }, "on: a step opens once the earlier steps' checks pass"),
    h('option', { value: 'off' }, 'off: every step open'),
  )
  const error = h('p', { class: 'form-error', role: 'alert' })
  const form = h(
    'form',
    { class: 'panel-form', 'aria-labelledby': 'create-title', novalidate: true },
    h('h2', { id: 'create-title' }, 'New cohort'),
    field('Name', name, 'Lower-case letters, digits and dashes.'),
    field('Lab', lab),
    field('Trainees', trainees),
    field('Isolation', mode),
    field('Domain', domain, 'Each trainee gets <trainee-id>.<domain>. Optional.'),
    field('Warm pool', reserve, 'Environments prepared ahead of time.'),
    field('Webhook URL', webhook, 'Optional: joined, check, step and lab events, HMAC-signed.'),
    field('Gating', gating, 'You can open all steps for one trainee from the grade book.'),
    h('button', { type: 'submit' }, 'Create cohort'),
    error,
  )
  const inputs: Record<CohortField, FormControl> = {
    name,
    labId: lab,
    trainees,
    mode,
    domain,
    reserve,
    webhookUrl: webhook,
    gating,
  }
  form.addEventListener('submit', (event) => {
    event.preventDefault()
    // Each submit starts clean: old messages go, then the browser's checks speak in our words.
    error.textContent = ''
    for (const input of Object.values(inputs)) {
      setFieldError(input, '')
    }
    const invalid = (Object.entries(inputs) as Array<[CohortField, FormControl]>).filter(
      ([, input]) => !input.checkValidity(),
    )
    for (const [key, input] of invalid) {
      setFieldError(input, input.validity.valueMissing ? 'This field is required.' : cohortFieldMessages[key])
    }
    if (invalid[0]) {
      invalid[0][1].focus()
      return
    }
    const body: CreateCohortBody = {
      name: name.value,
      labId: lab.value,
      trainees: Number(trainees.value),
      mode: mode.value as CohortMode,
      reserve: Number(reserve.value),
    }
    if (domain.value) {
      body.domain = domain.value
    }
    if (webhook.value) {
      body.webhookUrl = webhook.value
    }
    if (gating.value) {
      body.gating = gating.value === 'on'
    }
    instructorApi
      .create(body)
      .then((created) => {
        sessionStorage.setItem(
          `kindlab.created.${created.id}`,
          JSON.stringify({ classCode: created.classCode, webhookSecret: created.webhookSecret }),
        )
        location.assign(`/instructor/cohorts/${created.id}`)
      })
      .catch((err: unknown) => {
        const message =
          err instanceof ApiError ? `${err.message} ${err.hint ?? ''}`.trim() : 'Could not create the cohort.'
        const input = err instanceof ApiError && err.field ? inputs[err.field as CohortField] : undefined
        if (input) {
          setFieldError(input, message)
          input.focus()
        } else {
          error.textContent = message
        }
      })
  })
  main.replaceChildren(
    h(
      'section',
      { class: 'instructor' },
      h('h1', {}, 'Cohorts'),
      cohorts.length
        ? h(
            'table',
            { class: 'data' },
            h(
              'thead',
              {},
              h(
                'tr',
                {},
                ...['Cohort', 'Lab', 'Joined', 'Mode', 'Environments'].map((t) => h('th', { scope: 'col' }, t)),
              ),
            ),
            h('tbody', {}, ...rows),
          )
        : h('p', { class: 'muted' }, 'No cohort yet.'),
      form,
    ),
  )
}
