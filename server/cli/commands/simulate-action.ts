// The work behind `kindlab simulate`: reads the resource files and the requests, runs the grader
// core, prints JSON (the stable contract) or tables. Translates unreadable input into AppErrors.
import { readdir, readFile, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { AppError } from '../../errors.ts'
import { runAnalyzers } from '../../grader/analyzers/run.ts'
import { analyzeConfig, type AnalyzeResult } from '../../grader/core/index.ts'
import { formatResource, sortFindings } from '../../grader/core/findings.ts'
import { gatewayApiDiagnostics } from '../../grader/core/gateway-api/analyze.ts'
import { mergeGatewayApiModels, parseGatewayApi } from '../../grader/core/gateway-api/model.ts'
import type { GatewayApiModel } from '../../grader/core/gateway-api/types.ts'
import { mergeModels, parseResources, type ParsedResources } from '../../grader/core/model/index.ts'
import { readKubeYaml } from '../../grader/core/yaml/kube-yaml.ts'
import { printJson } from '../output.ts'
import { parseRequests } from './simulate-requests.ts'
import { renderSimulation } from './simulate-render.ts'

/** Flags of `kindlab simulate`. */
export interface SimulateFlags {
  resources: string[]
  requests?: string
  json?: boolean
  namespace?: string
}

/** Runs the command; returns true when some diagnostic is an error (exit code 1). */
export async function runSimulate(flags: SimulateFlags): Promise<boolean> {
  const files = (await Promise.all(flags.resources.map(expandPath))).flat()
  const models = await Promise.all(files.map((f) => readModel(f, flags.namespace ?? 'default')))
  const requests =
    flags.requests === undefined ? [] : parseRequests(await readText(flags.requests, 'requests'), flags.requests)
  const model = mergeModels(models.map((m) => m.classic))
  const gatewayApi = mergeGatewayApiModels(models.map((m) => m.gatewayApi))
  // Kubernetes Gateway API objects are checked (IST0106, IST0171); requests still go to the
  // classic ingress gateway.
  const extra = gatewayApiDiagnostics(gatewayApi, model)
  const out = analyzeConfig({ model, requests, analyze: (m) => sortFindings([...runAnalyzers(m), ...extra]) })
  if (flags.json === true) {
    // Pretty on a terminal; compact when piped (a cohort's output is tens of MB).
    if (process.stdout.isTTY) {
      printJson(toContract(out))
    } else {
      process.stdout.write(`${JSON.stringify(toContract(out))}\n`)
    }
  } else {
    process.stdout.write(renderSimulation(out))
  }
  return out.diagnostics.some((d) => d.level === 'Error')
}

/** The JSON contract documented in server/grader/simulate-output.schema.json. */
export function toContract(out: AnalyzeResult): Record<string, unknown> {
  return {
    listeners: out.listeners,
    routeConfigs: out.routeConfigs,
    clusters: out.clusters,
    diagnostics: out.diagnostics.map((d) => ({
      code: d.code,
      level: d.level,
      resource: formatResource(d.resource),
      ...(d.path === undefined ? {} : { path: d.path }),
      message: d.message,
      ...(d.hint === undefined ? {} : { hint: d.hint }),
      ...(d.source === undefined ? {} : { source: d.source }),
    })),
    requests: out.requests,
  }
}

async function expandPath(path: string): Promise<string[]> {
  let info
  try {
    info = await stat(path)
  } catch (err) {
    throw new AppError('LAB_ERR_INPUT_FILE', {
      message: `Cannot read ${path}: it does not exist or is not readable.`,
      hint: 'Check the --resources path.',
      cause: err,
    })
  }
  if (!info.isDirectory()) {
    return [path]
  }
  const entries = await readdir(path, { withFileTypes: true })
  const nested = await Promise.all(
    entries
      .filter((e) => e.isDirectory() || /\.(ya?ml|json)$/i.test(e.name))
      .sort((a, b) => (a.name < b.name ? -1 : 1))
      .map((e) => (e.isDirectory() ? expandPath(join(path, e.name)) : Promise.resolve([join(path, e.name)]))),
  )
  return nested.flat()
}

async function readText(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, 'utf8')
  } catch (err) {
    throw new AppError('LAB_ERR_INPUT_FILE', {
      message: `Cannot read the ${what} file ${path}.`,
      hint: 'Check that the file exists and is readable.',
      cause: err,
    })
  }
}

async function readModel(
  file: string,
  namespace: string,
): Promise<{ classic: ParsedResources; gatewayApi: GatewayApiModel }> {
  const read = readKubeYaml(await readText(file, 'resources'))
  const options = { file, defaultNamespace: namespace }
  const model = parseResources(read, options)
  const syntax = model.syntaxErrors[0]
  if (syntax !== undefined) {
    throw new AppError('LAB_ERR_VALIDATION', {
      message: `${file}:${syntax.line} is not valid YAML (document ${syntax.document + 1}): ${syntax.message}`,
      hint: 'Fix the indentation or quoting at that line; `kubectl apply` would refuse this file too.',
      details: { file, line: syntax.line },
    })
  }
  return { classic: model, gatewayApi: parseGatewayApi(read, options) }
}
