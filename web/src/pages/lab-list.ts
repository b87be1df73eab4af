// The lab list: one card per lab with its summary, duration and whether it needs a cluster.
import { api } from '../api-client.ts'
import { byId, h } from '../dom.ts'

export async function showLabList(main: HTMLElement): Promise<void> {
  document.title = 'Labs · kindlab'
  byId('crumbs').replaceChildren(h('span', {}, 'Labs'))
  const labs = await api.labs()
  const cards = labs.map((lab) =>
    h(
      'li',
      { class: 'lab-card' },
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
    ),
  )
  main.replaceChildren(h('section', { class: 'lab-list' }, h('h1', {}, 'Labs'), h('ul', { class: 'cards' }, ...cards)))
}
