// The browser app's entry: picks the page from the URL, shows the mode banner.
import './styles/app.css'
import { api, captureAccessToken } from './api-client.ts'
import { byId } from './dom.ts'
import { showLabList } from './pages/lab-list.ts'
import { showLabPage } from './pages/lab-page.ts'
import { showInstructor } from './pages/instructor/index.ts'
import { showJoin } from './pages/join.ts'
import { showError } from './pages/error-view.ts'

async function showStatus(): Promise<void> {
  const status = await api.status()
  const mode = byId('mode')
  mode.textContent = status.mode === 'live' ? `live · ${status.cluster?.context ?? 'cluster'}` : 'offline'
  mode.dataset['mode'] = status.mode
  if (status.mode === 'offline') {
    const banner = byId('banner')
    banner.hidden = false
    banner.textContent = `Offline mode: ${status.offlineReason ?? 'no cluster is attached.'} The terminal works and checks grade your workspace files; checks that need the cluster say so.`
  }
}

async function route(): Promise<void> {
  captureAccessToken()
  const main = byId('main')
  try {
    await showStatus()
    const match = /^\/labs\/([a-z0-9-]+)(?:\/(\d+))?\/?$/.exec(location.pathname)
    if (match?.[1]) {
      await showLabPage(main, match[1], match[2] === undefined ? undefined : Number(match[2]) - 1)
    } else if (location.pathname.startsWith('/instructor')) {
      await showInstructor(main, location.pathname)
    } else if (/^\/join\/[\w-]+\/?$/.test(location.pathname)) {
      await showJoin(main, decodeURIComponent(location.pathname.split('/')[2] ?? ''))
    } else {
      await showLabList(main)
    }
  } catch (err) {
    showError(main, err)
  }
}

void route()
