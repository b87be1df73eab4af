// Draws a grader check's request path: client → load balancer → … → pod, each hop green when the
// request got past it, red where it stopped (with why), grey beyond.
import { h } from '../dom.ts'
import type { RequestPathDto } from '../../../server/protocol/api-dto.ts'

const names: Record<string, string> = {
  client: 'Client',
  'load-balancer': 'Load balancer',
  'node-port': 'Node port',
  'gateway-service': 'Gateway Service',
  envoy: 'Envoy (Gateway + VirtualService)',
  'destination-service': 'Service',
  pod: 'Pod',
}

const marks: Record<RequestPathDto['hops'][number]['state'], string> = {
  passed: '✔',
  stopped: '✘',
  'not-reached': '·',
  unknown: '?',
}

/** The picture from a check result's detail, if it has one. */
export function pictureOf(detail: unknown): RequestPathDto | undefined {
  const picture = (detail as { picture?: RequestPathDto } | undefined)?.picture
  return picture && Array.isArray(picture.hops) ? picture : undefined
}

export function renderRequestPath(picture: RequestPathDto): HTMLElement {
  const hops = picture.hops.map((hop) =>
    h(
      'li',
      { class: `hop hop-${hop.state}`, title: hop.note ?? '' },
      h('span', { class: 'hop-mark', 'aria-hidden': 'true' }, marks[hop.state]),
      h('span', { class: 'hop-name' }, names[hop.hop] ?? hop.hop),
      h('span', { class: 'visually-hidden' }, ` ${hop.state.replace('-', ' ')}`),
    ),
  )
  const stopped = picture.hops.find((hop) => hop.state === 'stopped')
  return h(
    'figure',
    { class: 'request-path' },
    h('ol', { 'aria-label': `Request path of ${picture.request}` }, ...hops),
    h(
      'figcaption',
      {},
      stopped
        ? `${picture.request} stopped at ${names[stopped.hop] ?? stopped.hop}${stopped.note ? `: ${stopped.note}` : ''}`
        : `${picture.request} got through`,
      h('span', { class: 'path-layer' }, ` (${picture.layer === 'config' ? 'predicted config' : picture.layer})`),
    ),
  )
}
