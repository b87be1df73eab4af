// One cohort: its settings and class code, the live grade book, exports, and teardown. Offline,
// it says plainly that the isolation objects are only planned; cluster mode shows each trainee's
// kind cluster and the plan its build runs, or why the clusters cannot be built here.
import { ApiError } from '../../api-client.ts'
import { byId, h } from '../../dom.ts'
import { followGradeBook, instructorApi } from './api.ts'
import { createClassProgress } from './class-progress.ts'
import { createGradeBookView } from './gradebook-view.ts'

interface PlannedObject {
  kind: string
  metadata: { name: string; namespace?: string }
}

/** One trainee's kind cluster in the plan (cluster mode): the `kindlab up` plan the server runs. */
interface PlannedCluster {
  traineeId: string
  clusterName: string
  context: string
  hostPorts: Array<{ servicePort: number; hostPort: number }>
  text: string[]
}

function download(name: string, blob: Blob): void {
  const a = h('a', { href: URL.createObjectURL(blob), download: name })
  document.body.append(a)
  a.click()
  a.remove()
}

export async function showCohort(main: HTMLElement, id: string): Promise<void> {
  const [cohort, handout] = await Promise.all([instructorApi.detail(id), instructorApi.handout(id)])
  document.title = `${cohort.name} · kindlab`
  byId('crumbs').replaceChildren(
    h('a', { href: '/instructor' }, 'Instructor'),
    h('span', { 'aria-hidden': 'true' }, ' / '),
    h('span', {}, cohort.name),
  )
  const created = JSON.parse(sessionStorage.getItem(`kindlab.created.${cohort.id}`) ?? '{}') as {
    webhookSecret?: string
  }
  const status = h('span', { class: 'live-state', role: 'status', 'data-live': 'false' }, 'connecting…')
  const message = h('p', { class: 'form-error', role: 'alert' })
  const chart = createClassProgress()
  const view = createGradeBookView({
    changed: (book) => chart.update(book),
    openSteps: (trainee, open) =>
      void instructorApi.openSteps(cohort.id, trainee, open).then(
        () => (message.textContent = open ? `Every step is open for ${trainee}.` : `${trainee} is gated again.`),
        (err: unknown) => (message.textContent = err instanceof ApiError ? err.message : 'That did not work.'),
      ),
    watch: (trainee) => location.assign(`/instructor/cohorts/${cohort.id}/watch/${trainee}`),
    reset: (trainee) => {
      if (confirm(`Reset ${trainee}? Their environment is rebuilt and their link changes.`)) {
        instructorApi.reset(cohort.id, trainee).then(
          () => (message.textContent = `${trainee} was reset; print the handout again for the new link.`),
          (err: unknown) => (message.textContent = err instanceof ApiError ? err.message : 'Reset failed.'),
        )
      }
    },
  })
  const stop = followGradeBook(
    cohort.id,
    (event) => (event.type === 'snapshot' ? view.setBook(event.book) : view.setRow(event.row)),
    (live) => {
      status.dataset['live'] = String(live)
      // The stream is live; the cohort itself may still run without a cluster: say both.
      status.textContent = live ? (cohort.offline ? 'live · offline' : 'live') : 'reconnecting…'
    },
  )
  const csv = h('button', { type: 'button' }, 'Export CSV')
  csv.addEventListener(
    'click',
    () => void instructorApi.csv(cohort.id).then((b) => download(`${cohort.name}-gradebook.csv`, b)),
  )
  const json = h('button', { type: 'button' }, 'Export JSON')
  json.addEventListener(
    'click',
    () =>
      void instructorApi
        .gradebook(cohort.id)
        .then((b) =>
          download(
            `${cohort.name}-gradebook.json`,
            new Blob([JSON.stringify(b, null, 2)], { type: 'application/json' }),
          ),
        ),
  )
  const teardown = h('button', { type: 'button', class: 'danger' }, 'Tear down')
  teardown.addEventListener('click', () => {
    if (confirm(`Tear down ${cohort.name}? Every trainee environment is deleted and their sessions end.`)) {
      instructorApi.teardown(cohort.id).then(
        (r) =>
          (message.textContent = r.leftovers.length
            ? `Still going away: ${r.leftovers.join(', ')}`
            : 'Torn down: nothing is left in the cluster.'),
        (err: unknown) => (message.textContent = err instanceof ApiError ? err.message : 'Teardown failed.'),
      )
    }
  })
  const joinLink = new URL(handout.joinUrl).pathname
  const summary =
    cohort.mode === 'cluster'
      ? cohort.offline
        ? 'Planned trainee clusters (not built)'
        : 'Trainee clusters: the plan each build runs'
      : cohort.offline
        ? 'Planned isolation objects (not applied)'
        : 'Isolation objects per trainee'
  const planned = h('details', { class: 'plan' }, h('summary', {}, summary))
  planned.addEventListener(
    'toggle',
    () =>
      void instructorApi.plan(cohort.id).then((p) => {
        const plan = p.plan as {
          shared?: PlannedObject[]
          example?: { objects: PlannedObject[] }
          clusters?: PlannedCluster[]
        }
        const line = (o: PlannedObject) =>
          h(
            'li',
            {},
            h('code', {}, `${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name}`),
          )
        planned.replaceChildren(
          planned.firstChild ?? '',
          plan.clusters
            ? h(
                'div',
                {},
                h(
                  'ul',
                  {},
                  ...plan.clusters.map((c) =>
                    h(
                      'li',
                      { 'data-cluster': c.clusterName },
                      h('code', {}, c.clusterName),
                      ` (context ${c.context}) · ports `,
                      c.hostPorts.map((port) => `${port.servicePort}→${port.hostPort}`).join(', '),
                    ),
                  ),
                ),
                h(
                  'h3',
                  {},
                  `The plan of ${plan.clusters[0]?.traineeId ?? 'a trainee'} (the others differ in name and ports)`,
                ),
                h('pre', { class: 'plan-text' }, (plan.clusters[0]?.text ?? []).join('\n')),
              )
            : h(
                'div',
                {},
                h('h3', {}, 'Once per cohort'),
                h('ul', {}, ...(plan.shared ?? []).map(line)),
                h('h3', {}, 'Per trainee (the first shown)'),
                h('ul', {}, ...(plan.example?.objects ?? []).map(line)),
              ),
        )
      }),
    { once: true },
  )
  main.replaceChildren(
    h(
      'section',
      { class: 'instructor' },
      h('h1', {}, cohort.name, ' ', status),
      cohort.offline
        ? h(
            'p',
            { class: 'notice', 'data-testid': 'offline-notice' },
            cohort.mode === 'cluster'
              ? `Planned only: ${cohort.plannedReason ?? 'trainee kind clusters cannot be built here.'} Seats stay "planned"; no trainee gets a cluster.`
              : 'Offline: no cluster is attached, so the isolation objects (namespaces, RBAC, quotas, network and admission policies) are only planned, not applied. Trainees get local terminals.',
          )
        : undefined,
      h(
        'dl',
        { class: 'facts' },
        h('dt', {}, 'Lab'),
        h('dd', {}, handout.lab),
        h('dt', {}, 'Class code'),
        h('dd', { 'data-testid': 'class-code' }, handout.classCode),
        h('dt', {}, 'Join page'),
        h('dd', {}, h('a', { href: joinLink }, handout.joinUrl)),
        h('dt', {}, 'Isolation'),
        h('dd', {}, `${cohort.mode} · ${cohort.domain} · warm pool ${cohort.reserve}`),
        created.webhookSecret ? h('dt', {}, 'Webhook secret (shown once)') : undefined,
        created.webhookSecret ? h('dd', {}, h('code', {}, created.webhookSecret)) : undefined,
      ),
      h(
        'div',
        { class: 'toolbar' },
        h('a', { class: 'button', href: `/instructor/cohorts/${cohort.id}/handout` }, 'Printable handout'),
        csv,
        json,
        teardown,
      ),
      message,
      planned,
      chart.element,
      h('h2', {}, 'Grade book'),
      view.element,
    ),
  )
  window.addEventListener('pagehide', () => {
    stop()
    view.dispose()
    chart.dispose()
  })
}
