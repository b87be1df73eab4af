// The work behind `kindlab routes`: reads a config_dump file, parses it with the grader's reader
// and prints istioctl-style tables or the JSON contract. Turns unreadable input into AppErrors.
import { readFile } from 'node:fs/promises'
import { AppError } from '../../errors.ts'
import { renderClustersTable } from '../../grader/core/envoy/clusters-table.ts'
import { type ConfigDump, ConfigDumpError, parseConfigDump, toEnvoyView } from '../../grader/core/envoy/configdump.ts'
import { renderListenersTable } from '../../grader/core/envoy/listeners-table.ts'
import { renderRoutesTable } from '../../grader/core/envoy/routes-table.ts'

/** Flags of `kindlab routes`. */
export interface RoutesFlags {
  configDump: string
  json?: boolean
  listeners?: boolean
  clusters?: boolean
  name?: string
}

const DUMP_HINT =
  'Save the admin endpoint output as is: kubectl exec -n istio-system deploy/istio-ingressgateway -- pilot-agent request GET config_dump > dump.json'

/** Where the command reads and writes; tests pass their own. */
export interface RoutesIO {
  write(text: string): void
  readStdin(): Promise<string>
}

const processIO: RoutesIO = {
  write: (text) => void process.stdout.write(text),
  readStdin: async () => {
    const chunks: Buffer[] = []
    for await (const chunk of process.stdin) {
      chunks.push(chunk as Buffer)
    }
    return Buffer.concat(chunks).toString('utf8')
  },
}

/** Runs `kindlab routes`. @throws AppError for a missing, non-JSON or non-dump file. */
export async function runRoutes(flags: RoutesFlags, io: RoutesIO = processIO): Promise<void> {
  const source = flags.configDump === '-' ? 'standard input' : flags.configDump
  const text = flags.configDump === '-' ? await io.readStdin() : await readDumpFile(flags.configDump)
  const dump = loadConfigDump(text, source)
  io.write(renderRoutesOutput(dump, flags, source))
}

/** Parses dump text, translating every problem into one AppError sentence. */
export function loadConfigDump(text: string, source: string): ConfigDump {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (err) {
    throw new AppError('LAB_ERR_VALIDATION', {
      message: `${source} is not JSON: ${(err as Error).message}.`,
      hint: DUMP_HINT,
      cause: err,
    })
  }
  try {
    return parseConfigDump(json)
  } catch (err) {
    if (err instanceof ConfigDumpError) {
      throw new AppError('LAB_ERR_VALIDATION', {
        message: `${source} is not a usable Envoy config dump: ${err.message}.`,
        hint: DUMP_HINT,
        cause: err,
        details: { path: err.path },
      })
    }
    throw err
  }
}

/** The text the command prints for a parsed dump. */
export function renderRoutesOutput(dump: ConfigDump, flags: Omit<RoutesFlags, 'configDump'>, source: string): string {
  const routeConfigs = dump.routeConfigs.filter((e) => flags.name === undefined || e.config.name === flags.name)
  if (flags.json === true) {
    const view = toEnvoyView({ ...dump, routeConfigs })
    return `${JSON.stringify({ ...view, sections: dump.has }, null, 2)}\n`
  }
  const parts: string[] = []
  if (flags.listeners === true) {
    requireSection(dump.has.listeners, 'listeners', source)
    parts.push(renderListenersTable(dump.listeners.filter((l) => l.warming !== true && l.rejected !== true)))
  }
  if (flags.clusters === true) {
    requireSection(dump.has.clusters, 'clusters', source)
    parts.push(renderClustersTable(dump.clusters))
  }
  if (parts.length === 0) {
    requireSection(dump.has.routes, 'routes', source)
    parts.push(renderRoutesTable(routeConfigs.map((e) => e.config)))
  }
  return parts.join('\n')
}

function requireSection(present: boolean, section: string, source: string): void {
  if (!present) {
    throw new AppError('LAB_ERR_VALIDATION', {
      message: `${source} has no ${section} section.`,
      hint: `Dump the whole config (no ?resource= filter), or use istioctl proxy-config ${section} on the live gateway. ${DUMP_HINT}`,
    })
  }
}

async function readDumpFile(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8')
  } catch (err) {
    throw new AppError('LAB_ERR_INPUT_FILE', {
      message: `Cannot read the config dump file ${path}.`,
      hint: 'Check the --config-dump path; use - to read standard input.',
      cause: err,
    })
  }
}
