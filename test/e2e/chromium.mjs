// Finds a Chromium for the browser tests: CHROMIUM_PATH, Debian's /usr/bin/chromium, or the
// browser Playwright installed. Says clearly why when there is none.
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)

export function findChromium() {
  const candidates = [
    process.env.CHROMIUM_PATH,
    '/usr/bin/chromium',
    '/usr/bin/chromium-browser',
    '/usr/bin/google-chrome',
  ].filter(Boolean)
  for (const path of candidates) {
    if (existsSync(path)) {
      return { path, reason: undefined }
    }
  }
  try {
    // Playwright's own download, when `npx playwright install chromium` worked on this machine.
    const { chromium } = require('playwright-core')
    const path = chromium.executablePath()
    if (path && existsSync(path)) {
      return { path, reason: undefined }
    }
  } catch {
    // not installed
  }
  return {
    path: undefined,
    reason:
      'no Chromium found: install it (Debian/Ubuntu: `sudo apt-get install -y chromium`; elsewhere `npx playwright install chromium`) or set CHROMIUM_PATH',
  }
}
