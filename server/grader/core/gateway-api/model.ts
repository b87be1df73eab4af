// Builds a GatewayApiModel from the learner's YAML (through the one kubectl-faithful reader) or
// from API objects, with each object's file, document and line, the line of every listener,
// rule, match, filter, parentRef and backendRef, and IST0106 findings for what the API server
// refuses. YAML syntax errors are reported by parseResources (../model), which reads the same
// text; this reader only skips the refused documents. Pure.
import type { Finding, SourceLocation } from '../findings.ts'
import { pathSegments } from '../model/parse-yaml.ts'
import { type FieldProblem, FieldReader } from '../model/reader.ts'
import { readKubeYaml, type KubeYamlResult } from '../yaml/kube-yaml.ts'
import { readGatewayApiObject } from './read.ts'
import { emptyGatewayApiModel, type GatewayApiModel, type GatewayApiResource, gatewayApiGroup } from './types.ts'
import { validateGatewayApi } from './validate.ts'
import { isGatewayApiKind, isServed, SERVED_VERSIONS } from './versions.ts'

export interface GatewayApiParseOptions {
  file?: string
  /** Namespace for objects without metadata.namespace. @default 'default' */
  defaultNamespace?: string
}

type LineFinder = (segments: ReadonlyArray<string | number>) => number | undefined

/**
 * Reads every Gateway API object (and Namespace, Secret) of `text`; other kinds are skipped
 * (the classic model lists them).
 * @example parseGatewayApi(yamlText, { file: 'routes.yaml' }).httpRoutes
 */
export function parseGatewayApi(text: string | KubeYamlResult, options: GatewayApiParseOptions = {}): GatewayApiModel {
  const model = emptyGatewayApiModel()
  const read = typeof text === 'string' ? readKubeYaml(text) : text
  for (const doc of read.documents) {
    const source: SourceLocation =
      options.file === undefined
        ? { document: doc.index, line: doc.line }
        : { file: options.file, document: doc.index, line: doc.line }
    addGatewayApiObject(model, doc.value, source, options.defaultNamespace ?? 'default', (p) => doc.lineAt(p))
  }
  return model
}

/** Builds the model from API objects (a `kubectl get -o json` list's items, or the client's). */
export function gatewayApiFromObjects(
  objects: readonly unknown[],
  options: { defaultNamespace?: string } = {},
): GatewayApiModel {
  const model = emptyGatewayApiModel()
  for (const o of objects) {
    addGatewayApiObject(model, o, {}, options.defaultNamespace ?? 'default', undefined)
  }
  return model
}

/** Concatenates models in order. */
export function mergeGatewayApiModels(models: readonly GatewayApiModel[]): GatewayApiModel {
  const out = emptyGatewayApiModel()
  for (const m of models) {
    for (const key of Object.keys(out) as Array<keyof GatewayApiModel>) {
      ;(out[key] as unknown[]).push(...(m[key] as unknown[]))
    }
  }
  return out
}

/**
 * Adds one object (and the items of a `List`) to `model`, with its source and, when `lineAt` is
 * given, the lines of its fields; objects the API server would refuse become IST0106 findings.
 */
export function addGatewayApiObject(
  model: GatewayApiModel,
  raw: unknown,
  source: SourceLocation,
  defaultNamespace: string,
  lineAt: LineFinder | undefined,
): void {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return
  }
  const obj = raw as Record<string, unknown>
  const kind = obj['kind']
  if (typeof kind === 'string' && kind.endsWith('List') && Array.isArray(obj['items'])) {
    for (const item of obj['items'] as unknown[]) {
      addGatewayApiObject(model, item, source, defaultNamespace, undefined)
    }
    return
  }
  const r = new FieldReader()
  const res = readGatewayApiObject(r, obj, source, defaultNamespace)
  if (res === undefined) {
    return
  }
  const problems = [...r.problems]
  const unserved = unservedVersion(res)
  if (unserved !== undefined) {
    problems.unshift(unserved)
  }
  if (res.metadata.name === '') {
    problems.unshift({ path: 'metadata.name', message: 'metadata.name is required.' })
  }
  if (problems.length === 0) {
    problems.push(...validateGatewayApi(res))
  }
  if (lineAt !== undefined) {
    recordFieldLines(res, lineAt)
  }
  const findings = problems.map((p) => {
    const f: Finding = {
      code: 'IST0106',
      level: 'Error',
      resource: { kind: res.kind, namespace: res.metadata.namespace, name: res.metadata.name || '<unnamed>' },
      message: `Schema validation error: ${p.message}`,
      hint: `Fix ${p.path || 'the object'}; the API server refuses the whole ${res.kind}, so it does not exist until then.`,
      source: { ...source },
    }
    if (p.path !== '') {
      f.path = p.path
      const line = lineAt?.(pathSegments(p.path))
      if (line !== undefined) {
        f.source = { ...source, line }
      }
    }
    return f
  })
  model.findings.push(...findings)
  if (findings.length > 0) {
    model.rejected.push(res)
    return
  }
  add(model, res)
}

/** The apiVersion problem of a Gateway API object in a version the pinned CRDs do not serve. */
function unservedVersion(res: GatewayApiResource): FieldProblem | undefined {
  if (!isGatewayApiKind(res.kind)) {
    return undefined // Namespace, Secret
  }
  const version = res.apiVersion.slice(res.apiVersion.indexOf('/') + 1)
  if (isServed(res.kind, version)) {
    return undefined
  }
  const served = SERVED_VERSIONS[res.kind].map((v) => `${gatewayApiGroup}/${v}`).join(' or ')
  return {
    path: 'apiVersion',
    message: `apiVersion: the Gateway API v1.6.0 CRDs serve ${res.kind} as ${served}, not ${res.apiVersion} (kubectl apply answers "no matches for kind ${res.kind}").`,
  }
}

function add(model: GatewayApiModel, res: GatewayApiResource): void {
  switch (res.kind) {
    case 'GatewayClass':
      model.gatewayClasses.push(res)
      break
    case 'Gateway':
      model.gateways.push(res)
      break
    case 'HTTPRoute':
      model.httpRoutes.push(res)
      break
    case 'GRPCRoute':
      model.grpcRoutes.push(res)
      break
    case 'TCPRoute':
      model.tcpRoutes.push(res)
      break
    case 'TLSRoute':
      model.tlsRoutes.push(res)
      break
    case 'ReferenceGrant':
      model.referenceGrants.push(res)
      break
    case 'Namespace':
      model.namespaces.push(res)
      break
    case 'Secret':
      model.secrets.push(res)
      break
  }
}

/** Lines of listeners, parentRefs, hostnames, rules and their matches, filters and backendRefs. */
function recordFieldLines(res: GatewayApiResource, lineAt: LineFinder): void {
  const out: Record<string, number> = {}
  const note = (path: string): void => {
    const line = lineAt(pathSegments(path))
    if (line !== undefined) {
      out[path] = line
    }
  }
  if (res.kind === 'Gateway') {
    res.spec.listeners.forEach((l, i) => {
      note(`spec.listeners[${i}]`)
      note(`spec.listeners[${i}].hostname`)
      note(`spec.listeners[${i}].allowedRoutes`)
      l.tls?.certificateRefs.forEach((_c, j) => note(`spec.listeners[${i}].tls.certificateRefs[${j}]`))
    })
  }
  if (res.kind === 'HTTPRoute' || res.kind === 'GRPCRoute' || res.kind === 'TCPRoute' || res.kind === 'TLSRoute') {
    res.spec.parentRefs.forEach((_p, i) => {
      note(`spec.parentRefs[${i}]`)
      note(`spec.parentRefs[${i}].sectionName`)
    })
    if (res.kind !== 'TCPRoute') {
      note('spec.hostnames')
      res.spec.hostnames.forEach((_h, i) => note(`spec.hostnames[${i}]`))
    }
    const rules: ReadonlyArray<{ matches?: unknown[]; filters?: unknown[]; backendRefs: unknown[] }> = res.spec.rules
    rules.forEach((rule, i) => {
      note(`spec.rules[${i}]`)
      rule.matches?.forEach((_m, j) => note(`spec.rules[${i}].matches[${j}]`))
      rule.filters?.forEach((_f, j) => note(`spec.rules[${i}].filters[${j}]`))
      rule.backendRefs.forEach((_b, j) => note(`spec.rules[${i}].backendRefs[${j}]`))
    })
  }
  if (Object.keys(out).length > 0) {
    res.fieldLines = out
  }
}
