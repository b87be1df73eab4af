// The browser app's entry: picks the page from the URL, shows the mode banner.
import './styles/app.css'
import { captureAccessToken } from './api-client.ts'
import { byId } from './dom.ts'
import { showLabList } from './pages/lab-list.ts'
import { showLabPage } from './pages/lab-page.ts'
import { showInstructor } from './pages/instructor/index.ts'
import { showJoin } from './pages/join.ts'
import { showError } from './pages/error-view.ts'
import { showStatus } from './status-banner.ts'

async function route(): Promise<void> {
  captureAccessToken()
  const main = byId('main')
  try {
    const status = await showStatus()
    const offline = status.mode === 'offline'
    const match = /^\/labs\/([a-z0-9-]+)(?:\/(\d+))?\/?$/.exec(location.pathname)
    if (match?.[1]) {
      await showLabPage(main, match[1], match[2] === undefined ? undefined : Number(match[2]) - 1, offline)
    } else if (location.pathname.startsWith('/instructor')) {
      await showInstructor(main, location.pathname)
    } else if (/^\/join\/[\w-]+\/?$/.test(location.pathname)) {
      await showJoin(main, decodeURIComponent(location.pathname.split('/')[2] ?? ''))
    } else {
      await showLabList(main, offline)
    }
  } catch (err) {
    showError(main, err)
  }
}

void route()
