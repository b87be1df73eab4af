// The printable handout: one card per trainee with their personal link and host names, plus the
// class code for those who register by name. Print CSS puts several cards on a page.
import { h } from '../../dom.ts'
import { instructorApi } from './api.ts'

export async function showHandout(main: HTMLElement, id: string): Promise<void> {
  const handout = await instructorApi.handout(id)
  document.title = `${handout.cohort} handout · kindlab`
  const print = h('button', { type: 'button', class: 'no-print' }, 'Print')
  print.addEventListener('click', () => window.print())
  main.replaceChildren(
    h(
      'section',
      { class: 'handout' },
      h(
        'header',
        { class: 'handout-head' },
        h('h1', {}, `${handout.lab} — ${handout.cohort}`),
        h('p', {}, 'Class code: ', h('strong', {}, handout.classCode), ' · join at ', h('code', {}, handout.joinUrl)),
        print,
      ),
      h(
        'ol',
        { class: 'handout-cards' },
        ...handout.entries.map((e) =>
          h(
            'li',
            { class: 'handout-card', 'data-trainee': e.traineeId },
            h('h2', {}, e.traineeId),
            h('p', {}, 'Your link (keep it private):'),
            h('p', { class: 'handout-link' }, h('code', {}, e.joinUrl)),
            h('p', {}, 'Your host names:'),
            h('ul', {}, ...e.hosts.map((host) => h('li', {}, h('code', {}, host)))),
          ),
        ),
      ),
    ),
  )
}
