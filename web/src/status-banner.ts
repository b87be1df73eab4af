// The mode badge and the banner under the top bar: offline mode says why; while `kindlab up` is
// still provisioning it shows the current step and polls until the cluster is ready.
import { api } from './api-client.ts'
import { byId, h } from './dom.ts'
import type { ProgressEventDto, StatusDto } from '../../server/protocol/api-dto.ts'

const pollMs = 2000

function provisioningView(p: ProgressEventDto): HTMLElement {
  const percent = Math.round((100 * (p.index + (p.state === 'done' ? 1 : 0))) / Math.max(1, p.total))
  return h(
    'div',
    { class: `provisioning state-${p.state}` },
    h('strong', {}, p.state === 'failed' ? 'Provisioning failed: ' : 'Preparing the live cluster: '),
    `step ${p.index + 1} of ${p.total}, ${p.title}`,
    p.detail ? h('span', { class: 'provisioning-detail' }, ` (${p.detail})`) : undefined,
    h('span', { class: 'provisioning-time' }, ` · ${Math.round(p.elapsedMs / 1000)} s`),
    h('progress', { max: '100', value: String(percent), 'aria-label': 'Provisioning progress' }),
  )
}

export function renderStatus(status: StatusDto): void {
  const mode = byId('mode')
  mode.textContent = status.mode === 'live' ? `live · ${status.cluster?.context ?? 'cluster'}` : 'offline'
  mode.dataset['mode'] = status.mode
  const banner = byId('banner')
  if (status.provisioning && status.provisioning.state !== 'done') {
    banner.hidden = false
    banner.replaceChildren(provisioningView(status.provisioning))
  } else if (status.mode === 'offline') {
    banner.hidden = false
    banner.textContent = `Offline mode: ${status.offlineReason ?? 'no cluster is attached.'} The terminal works and checks grade your workspace files; checks that need the cluster say so.`
  } else {
    banner.hidden = true
  }
}

/** Shows the status now and keeps it fresh while provisioning runs; returns the first answer. */
export async function showStatus(): Promise<StatusDto> {
  const status = await api.status()
  renderStatus(status)
  if (status.provisioning && status.provisioning.state !== 'done' && status.provisioning.state !== 'failed') {
    setTimeout(() => void showStatus().catch(() => undefined), pollMs)
  }
  return status
}
