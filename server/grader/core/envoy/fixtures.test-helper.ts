// Test-only loaders for the Envoy fixtures: kindlab's own (test/fixtures/envoy) and the team's
// shared captured dumps (/work/shared/fixtures/envoy, outside the repo, so optional). Reads files.
import { existsSync, readFileSync, readdirSync } from 'node:fs'

const ownDir = new URL('../../../../test/fixtures/envoy/', import.meta.url)
const sharedDir = new URL('../../../../../shared/fixtures/envoy/', import.meta.url)

/** Reads a file from test/fixtures/envoy as text. */
export function readOwnFixture(name: string): string {
  return readFileSync(new URL(name, ownDir), 'utf8')
}

/** Parses a JSON file from test/fixtures/envoy. */
export function loadOwnJson(name: string): unknown {
  return JSON.parse(readOwnFixture(name)) as unknown
}

/** Absolute path of a file in test/fixtures/envoy (for CLI tests). */
export function ownFixturePath(name: string): string {
  return new URL(name, ownDir).pathname
}

/** True when the shared captured fixtures are on this machine. */
export const hasSharedFixtures = existsSync(sharedDir)

/** Names of the shared captured cases (`<case>.configdump.json` + `<case>.istioctl-pc-routes.txt`). */
export function sharedCases(): string[] {
  return hasSharedFixtures
    ? readdirSync(sharedDir)
        .filter((f) => f.endsWith('.configdump.json'))
        .map((f) => f.replace('.configdump.json', ''))
        .sort()
    : []
}

/** Reads a shared fixture file as text. */
export function readSharedFixture(name: string): string {
  return readFileSync(new URL(name, sharedDir), 'utf8')
}
