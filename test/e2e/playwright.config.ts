// Browser tests in Chromium (Debian's /usr/bin/chromium here; Playwright's own elsewhere).
// Each test file starts its own kindlab server on a free loopback port (see fixtures.ts).
import { defineConfig } from '@playwright/test'
import { findChromium } from './chromium.mjs'

const chromium = findChromium() as { path: string | undefined }
const ci = process.env['CI'] === 'true'

export default defineConfig({
  testDir: '.',
  testMatch: '**/*.e2e.ts',
  fullyParallel: false,
  workers: 1,
  retries: ci ? 1 : 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [['list'], ['json']],
  outputDir: '../../test-results',
  use: {
    headless: true,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      ...(chromium.path ? { executablePath: chromium.path } : {}),
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
})
