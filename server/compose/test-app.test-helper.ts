// Test helper: a real kindlab app built the way the server builds it (createServices, then
// buildApp) over the bundled labs and SQLite in a temporary folder: offline, logging nothing,
// without the browser app and without the background jobs. Test code only.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../app.ts'
import { loadConfig, type Config } from '../config.ts'
import { bundledLabsDir } from '../paths.ts'
import { createServices, type ServiceOptions, type Services } from './services.ts'

export interface TestAppOptions extends Omit<ServiceOptions, 'version'> {
  /** The data folder; a temporary one (removed on close) when absent. */
  dataDir?: string
  /** Configuration over the test defaults (offline, silent, the bundled labs). */
  config?: Partial<Config>
}

export interface TestApp {
  app: FastifyInstance
  services: Services
  dataDir: string
  /** Closes the app (and with it the services) and removes a temporary data folder. */
  close(): Promise<void>
}

/** The configuration of a test server: offline, silent, the bundled labs, data in `dataDir`. */
export function testConfig(dataDir: string, overrides: Partial<Config> = {}): Config {
  return loadConfig({}, { labsDir: bundledLabsDir(), dataDir, offline: true, logLevel: 'silent', ...overrides })
}

export async function buildTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const { dataDir: given, config: overrides, ...serviceOptions } = options
  const dataDir = given ?? mkdtempSync(join(tmpdir(), 'kindlab-app-'))
  const services = await createServices(testConfig(dataDir, overrides), {
    version: 'test',
    webDir: join(dataDir, 'no-web'),
    print: () => {},
    ...serviceOptions,
  })
  const app = await buildApp(services)
  return {
    app,
    services,
    dataDir,
    async close() {
      await app.close()
      if (!given) {
        rmSync(dataDir, { recursive: true, force: true })
      }
    },
  }
}
