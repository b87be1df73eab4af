// The lab list: one card per lab with its summary, duration and whether it needs a cluster. A
// newcomer is pointed to the shortest lab that works offline; offline, the cards of labs that need
// the cluster say what still works.
import { api } from '../api-client.ts'
import { byId, h } from '../dom.ts'
import type { LabSummaryDto } from '../../../server/protocol/api-dto.ts'

/** The lab to start with: the one with the fewest steps among those that need no cluster. */
export function starterLab(labs: readonly LabSummaryDto[]): LabSummaryDto | undefined {
  return labs.filter((l) => !l.needsCluster).sort((a, b) => a.stepCount - b.stepCount)[0]
}

export async function showLabList(main: HTMLElement, offline: boolean): Promise<void> {
  document.title = 'Labs · kindlab'
  byId('crumbs').replaceChildren(h('span', {}, 'Labs'))
  const labs = await api.labs()
  const starter = starterLab(labs)
  const cards = labs.map((lab) =>
    h(
      'li',
      { class: 'lab-card', 'data-lab': lab.id },
      h('h2', {}, h('a', { href: `/labs/${lab.id}` }, lab.title)),
      h('p', {}, lab.summary),
      h(
        'p',
        { class: 'meta' },
        `${lab.stepCount} steps · ${lab.duration}`,
        lab.needsCluster
          ? h('span', { class: 'tag' }, 'needs the cluster')
          : h('span', { class: 'tag tag-ok' }, 'works offline'),
      ),
      lab.needsCluster && offline
        ? h(
            'p',
            { class: 'offline-hint' },
            'Offline now: you can read every step, fill in and save its files and press Check (the grader reads your workspace). Commands that need the cluster are marked and not run.',
          )
        : undefined,
    ),
  )
  main.replaceChildren(
    h(
      'section',
      { class: 'lab-list' },
      h('h1', {}, 'Labs'),
      starter
        ? h(
            'p',
            { class: 'starter', 'data-testid': 'starter' },
            h('strong', {}, 'New to kindlab? '),
            'Start with ',
            h('a', { href: `/labs/${starter.id}` }, starter.title),
            ` (${starter.duration}, no cluster needed): it shows how Run, Save and Check work.`,
          )
        : undefined,
      h('ul', { class: 'cards' }, ...cards),
      h(
        'p',
        { class: 'muted' },
        'Running a class? The ',
        h('a', { href: '/instructor' }, 'instructor area'),
        ' has cohorts, the grade book and handouts.',
      ),
    ),
  )
}
