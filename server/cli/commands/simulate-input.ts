// The input of `kindlab simulate`: the resource files (a file or a directory of them, read with
// kubectl's YAML semantics into the classic and the Gateway API model) and the requests file.
// Translates unreadable input into AppErrors; no grading here.
import { readdir, readFile, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { AppError } from '../../errors.ts'
import { mergeGatewayApiModels, parseGatewayApi } from '../../grader/core/gateway-api/model.ts'
import type { GatewayApiModel } from '../../grader/core/gateway-api/types.ts'
import { mergeModels, parseResources, type ResourceModel } from '../../grader/core/model/index.ts'
import { readKubeYaml } from '../../grader/core/yaml/kube-yaml.ts'
import { parseRequests, type SimulateRequest } from './simulate-requests.ts'

/** Everything `kindlab simulate` works on. */
export interface SimulateInput {
  classic: ResourceModel
  gatewayApi: GatewayApiModel
  requests: SimulateRequest[]
}

/** Where to read from: the command's flags that name input. */
export interface InputPaths {
  resources: string[]
  requests?: string | undefined
  /** For resources without metadata.namespace. */
  namespace: string
}

/** Reads every resource file (directories recursively, sorted) and the requests file. */
export async function readSimulateInput(paths: InputPaths): Promise<SimulateInput> {
  const files = (await Promise.all(paths.resources.map(expandPath))).flat()
  const models = await Promise.all(files.map((f) => readModel(f, paths.namespace)))
  const requests =
    paths.requests === undefined ? [] : parseRequests(await readText(paths.requests, 'requests'), paths.requests)
  return {
    classic: mergeModels(models.map((m) => m.classic)),
    gatewayApi: mergeGatewayApiModels(models.map((m) => m.gatewayApi)),
    requests,
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
): Promise<{ classic: ResourceModel; gatewayApi: GatewayApiModel }> {
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
