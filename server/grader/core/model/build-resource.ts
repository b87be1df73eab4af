// Turns one plain API object (from YAML or the Kubernetes API) into a typed resource, an ignored
// object, or an IST0106 finding; applies istiod's validation so rejected objects are set apart.
// Pure: never throws on bad input.
import type { Finding, SourceLocation } from '../findings.ts'
import { readDestinationRuleSpec, readGatewaySpec, readServiceEntrySpec } from './read-gateway.ts'
import { readPodSpec, readPodStatus, readServiceSpec } from './read-kube.ts'
import { readVirtualServiceSpec } from './read-virtualservice.ts'
import { type FieldProblem, FieldReader } from './reader.ts'
import type { IgnoredObject, ObjectMeta, Resource } from './types.ts'
import { validateDestinationRule, validateServiceEntry } from './validate-other.ts'
import { validateGateway } from './validate-gateway.ts'
import { validateVirtualService } from './validate-virtualservice.ts'

/** What became of one object. */
export interface BuiltObject {
  /** The typed resource, when the kind is modelled (even if rejected). */
  resource?: Resource
  /** True when istiod (or the API server) would refuse the object. */
  rejected: boolean
  ignored?: IgnoredObject
  findings: Finding[]
}

const istioGroup = 'networking.istio.io'
const istioVersions = new Set(['v1', 'v1beta1', 'v1alpha3'])

/** Classifies and converts one object; `defaultNamespace` applies when metadata has none. */
export function buildResource(raw: unknown, source: SourceLocation, defaultNamespace: string): BuiltObject {
  const r = new FieldReader()
  const obj = r.obj(raw, '') ?? {}
  const apiVersion = typeof obj['apiVersion'] === 'string' ? obj['apiVersion'] : ''
  const kind = typeof obj['kind'] === 'string' ? obj['kind'] : ''
  const meta = readMeta(r, obj['metadata'], defaultNamespace)
  const slash = apiVersion.indexOf('/')
  const group = slash < 0 ? '' : apiVersion.slice(0, slash)
  const end = slash < 0 ? -1 : apiVersion.indexOf('/', slash + 1)
  const version = slash < 0 ? apiVersion : apiVersion.slice(slash + 1, end < 0 ? undefined : end)
  const base = { apiVersion, metadata: meta, source }
  let resource: Resource | undefined
  if (group === istioGroup && istioVersions.has(version)) {
    if (kind === 'Gateway') {
      resource = { ...base, kind, spec: readGatewaySpec(r, obj['spec']) }
    } else if (kind === 'VirtualService') {
      resource = { ...base, kind, spec: readVirtualServiceSpec(r, obj['spec']) }
    } else if (kind === 'DestinationRule') {
      resource = { ...base, kind, spec: readDestinationRuleSpec(r, obj['spec']) }
    } else if (kind === 'ServiceEntry') {
      resource = { ...base, kind, spec: readServiceEntrySpec(r, obj['spec']) }
    }
  } else if (group === '' && version === 'v1') {
    if (kind === 'Service') {
      resource = { ...base, kind, spec: readServiceSpec(r, obj['spec']) }
    } else if (kind === 'Pod') {
      resource = { ...base, kind, spec: readPodSpec(r, obj['spec']), status: readPodStatus(r, obj['status']) }
    }
  }
  if (resource === undefined) {
    return {
      rejected: false,
      ignored: { apiVersion, kind, namespace: meta.namespace, name: meta.name, source },
      findings: [],
    }
  }
  const problems = [...r.problems]
  if (meta.name === '') {
    problems.unshift({ path: 'metadata.name', message: 'metadata.name is required.' })
  }
  if (problems.length === 0) {
    problems.push(...validate(resource))
  }
  const findings = problems.map((p) => schemaFinding(resource, p))
  return { resource, rejected: findings.length > 0, findings }
}

function validate(resource: Resource): FieldProblem[] {
  switch (resource.kind) {
    case 'Gateway':
      return validateGateway(resource)
    case 'VirtualService':
      return validateVirtualService(resource)
    case 'DestinationRule':
      return validateDestinationRule(resource)
    case 'ServiceEntry':
      return validateServiceEntry(resource)
    default:
      return []
  }
}

export function readMeta(r: FieldReader, raw: unknown, defaultNamespace: string): ObjectMeta {
  const m = r.obj(raw, 'metadata') ?? {}
  const namespace = r.str(m['namespace'], 'metadata.namespace')
  const meta: ObjectMeta = {
    name: r.str(m['name'], 'metadata.name') ?? '',
    namespace: namespace === undefined || namespace === '' ? defaultNamespace : namespace,
    labels: r.strMap(m['labels'], 'metadata.labels') ?? {},
    annotations: r.strMap(m['annotations'], 'metadata.annotations') ?? {},
  }
  const ts = m['creationTimestamp']
  if (typeof ts === 'string' && ts !== '') {
    meta.creationTimestamp = ts
  }
  return meta
}

/** The IST0106 finding for one rejected field. */
export function schemaFinding(resource: Resource, problem: FieldProblem): Finding {
  const finding: Finding = {
    code: 'IST0106',
    level: 'Error',
    resource: {
      kind: resource.kind,
      namespace: resource.metadata.namespace,
      name: resource.metadata.name || '<unnamed>',
    },
    message: `Schema validation error: ${problem.message}`,
    hint: `Fix ${problem.path || 'the object'}; istiod rejects the whole ${resource.kind}, so it has no effect until then.`,
    source: { ...resource.source },
  }
  if (problem.path !== '') {
    finding.path = problem.path
  }
  return finding
}
