// `kindlab routes --config-dump FILE [--json] [--listeners] [--clusters] [--name NAME]`: reads an Envoy
// admin /config_dump with the grader's reader and prints it like `istioctl proxy-config
// routes|listeners|clusters`, or as the JSON contract; unreadable input becomes one AppError. The
// grader's modules load when the command runs, after the one-shot V8 tuning (short-run.ts).
import { readFile } from 'node:fs/promises'
import type { Command } from 'commander'
import { AppError } from '../../errors.ts'
import type { ConfigDump } from '../../grader/core/envoy/configdump.ts'
import { tuneForShortRun } from '../short-run.ts'

/** What the command needs beyond its options, loaded when it runs (not for `kindlab --help`). */
const load = async () => ({
  ...(await import('../../grader/core/envoy/clusters-table.ts')),
  ...(await import('../../grader/core/envoy/configdump.ts')),
  ...(await import('../../grader/core/envoy/listeners-table.ts')),
  ...(await import('../../grader/core/envoy/routes-table.ts')),
})

export function registerRoutes(program: Command): void {
  program
    .command('routes')
    .description("print an Envoy config_dump's routes (and listeners, clusters) like istioctl proxy-config")
    .requiredOption('--config-dump <file>', 'a saved admin /config_dump (JSON); - reads standard input')
    .option('--listeners', 'print the listeners table (ADDRESSES, PORT, MATCH, DESTINATION) instead of routes')
    .option('--clusters', 'print the clusters table (SERVICE FQDN, PORT, SUBSET, ...) instead of routes')
    .option('--name <route-config>', 'only this route configuration, e.g. http.8080')
    .option('--json', 'print {listeners, routeConfigs, clusters} in the shape of `kindlab simulate --json`')
    .addHelpText(
      'after',
      `
Get a dump from a live ingress gateway with:
  kubectl exec -n istio-system deploy/istio-ingressgateway -- pilot-agent request GET config_dump > dump.json

With --listeners and --clusters together, both tables are printed, listeners first.
Exit codes: 0 printed, 64+ the file is missing, not JSON or not a config dump.`,
    )
    .action((flags: RoutesFlags) => {
      tuneForShortRun()
      return runRoutes(flags)
    })
}

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
  const dump = await loadConfigDump(text, source)
  io.write(await renderRoutesOutput(dump, flags, source))
}

/** Parses dump text, translating every problem into one AppError sentence. */
export async function loadConfigDump(text: string, source: string): Promise<ConfigDump> {
  const { ConfigDumpError, parseConfigDump } = await load()
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
export async function renderRoutesOutput(
  dump: ConfigDump,
  flags: Omit<RoutesFlags, 'configDump'>,
  source: string,
): Promise<string> {
  const { renderClustersTable, renderListenersTable, renderRoutesTable, toEnvoyView } = await load()
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
