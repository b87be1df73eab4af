// `npm test`: every check the project has, in order: build, type-check, lint, lab validation,
// unit tests, the cluster suite (real kube-apiserver; skipped with a reason when Go is missing,
// a failure in CI) and the browser tests. Ends with one line counting the tests.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { findChromium } from '../test/e2e/chromium.mjs'

const ci = process.env.CI === 'true' || process.env.CI === '1'
const reports = mkdtempSync(join(tmpdir(), 'kindlab-test-'))
const totals = { passed: 0, failed: 0, skipped: 0 }
const failures = []

function run(title, cmd, args, env = {}) {
  process.stdout.write(`\n── ${title} ──\n`)
  const started = Date.now()
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, ...env } })
  const ok = r.status === 0
  process.stdout.write(
    `── ${title}: ${ok ? 'ok' : `FAILED (exit ${r.status ?? r.signal})`} in ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
  )
  if (!ok) {
    failures.push(title)
  }
  return ok
}

function countVitest(file) {
  if (!existsSync(file)) {
    return
  }
  const r = JSON.parse(readFileSync(file, 'utf8'))
  totals.passed += r.numPassedTests ?? 0
  totals.failed += r.numFailedTests ?? 0
  totals.skipped += (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0)
}

function countPlaywright(file) {
  if (!existsSync(file)) {
    return
  }
  const s = JSON.parse(readFileSync(file, 'utf8')).stats ?? {}
  totals.passed += (s.expected ?? 0) + (s.flaky ?? 0)
  totals.failed += s.unexpected ?? 0
  totals.skipped += s.skipped ?? 0
}

function skip(title, reason) {
  process.stdout.write(`\n── ${title}: skipped: ${reason}\n`)
  if (ci) {
    process.stdout.write(`── ${title}: a skip is a failure in CI (CI=true)\n`)
    failures.push(`${title} (skipped in CI: ${reason})`)
  }
}

const npx = 'npx'
run('build', 'node', ['scripts/build.mjs'])
run('type-check', npx, ['tsc', '-b'])
run('lint', npx, ['eslint', '.', '--max-warnings=0'])
run('labs validate', 'node', ['bin/kindlab.js', 'labs', 'validate'])

const unitReport = join(reports, 'unit.json')
run('unit tests', npx, [
  'vitest',
  'run',
  '--project',
  'unit',
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${unitReport}`,
])
countVitest(unitReport)

const { clusterSuiteAvailability } = await import('../test/cluster/availability.mjs')
const cluster = clusterSuiteAvailability()
if (cluster.run) {
  const clusterReport = join(reports, 'cluster.json')
  run('cluster tests (real kube-apiserver)', npx, [
    'vitest',
    'run',
    '-c',
    'test/cluster/vitest.config.ts',
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${clusterReport}`,
  ])
  countVitest(clusterReport)
} else {
  skip('cluster tests', cluster.reason)
}

const chromium = findChromium()
if (chromium.path) {
  const e2eReport = join(reports, 'e2e.json')
  run('browser tests (Playwright, Chromium)', npx, ['playwright', 'test', '-c', 'test/e2e/playwright.config.ts'], {
    PLAYWRIGHT_JSON_OUTPUT_NAME: e2eReport,
  })
  countPlaywright(e2eReport)
} else {
  skip('browser tests', chromium.reason)
}

process.stdout.write(`\n${failures.length ? `Failed: ${failures.join('; ')}` : 'All checks passed.'}\n`)
process.stdout.write(`tests: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped\n`)
process.exit(failures.length ? 1 : 0)
