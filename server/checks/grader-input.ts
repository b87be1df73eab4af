// Builds what the grader check kinds grade: the lab's environment (its baseline manifests, with
// variables substituted) plus the learner's resources, as one ResourceModel and as raw objects.
// Offline the learner's resources are their files; live the cluster API is the truth for every
// namespace it lists, and the environment only fills the others. No I/O of its own.
import { AppError } from '../errors.ts'
import { readKubeYaml } from '../grader/core/yaml/kube-yaml.ts'
import type { Finding } from '../grader/core/findings.ts'
import {
  emptyModel,
  mergeModels,
  parseResources,
  type Resource,
  type ResourceModel,
} from '../grader/core/model/index.ts'
import { addObject } from '../grader/core/model/collect.ts'
import type { GatewayEnvironment } from '../grader/core/translate/env.ts'
import { substituteVariables } from '../labs/variables.ts'
import type { LiveCluster, ResourceSnapshot, ResourceSource, TextResourceSource } from './live-services.ts'
import type { CheckContext } from './types.ts'
import {
  DELETION_API_VERSION,
  type ObjectRef,
  type RawObject,
  groupOf,
  isDeletionMarker,
  parseRawObjects,
  readRawObject,
} from './grader-input-objects.ts'

export type { ObjectRef, RawObject } from './grader-input-objects.ts'

/** The variable naming the learner's namespace; resources without a namespace belong there. */
export const LEARNER_NAMESPACE_VAR = 'LEARNER_NAMESPACE'

/** Everything a grader check needs, built once per check run. */
export interface GraderInput {
  learnerNamespace: string
  /** True when a live cluster is attached (resources come from its API). */
  live: boolean
  /** Environment plus learner resources (live: the cluster's), deletions applied. */
  model: ResourceModel
  /** Every object, modelled or not (ConfigMaps, Secrets, ...), with where it came from. */
  objects: RawObject[]
  /** Objects the learner's files mark as deleted (offline only). */
  deleted: ObjectRef[]
  /** Unreadable files and YAML syntax errors, as findings. */
  problems: Finding[]
  /** Where the learner's resources came from, for messages. */
  sourceDescription: string
  /**
   * A learner sharing the cluster (a cohort trainee): their own namespaces. Objects elsewhere are
   * context the lab needs (the gateway, the shop), never the learner's, so no finding about them.
   */
  ownNamespaces?: readonly string[]
  cluster: LiveCluster | undefined
  /**
   * The proxy the model is translated for, when it is not the classic istio-ingressgateway: a
   * Kubernetes Gateway's own deployment (grader/judge/gateway-api.ts). @default the model's gateway pod
   */
  environment?: Partial<GatewayEnvironment>
  /** The Kubernetes Gateway (`namespace/name`) whose proxy this input is, when it is one. */
  proxyOf?: string
}

const cache = new WeakMap<CheckContext, Promise<GraderInput>>()

/** The learner's namespace: `${LEARNER_NAMESPACE}` when the lab declares it, else `default`. */
export function learnerNamespaceOf(vars: Readonly<Record<string, string>>): string {
  const value = vars[LEARNER_NAMESPACE_VAR]
  return value !== undefined && value !== '' ? value : 'default'
}

/**
 * The kinds the grader's model and judges read from the learner's resources: the model's kinds,
 * and Secrets (a Gateway's TLS credential, judge/tls-credential.ts). ConfigMaps only `resource`
 * checks read.
 */
export const MODEL_READS: readonly string[] = [
  'Gateway',
  'VirtualService',
  'DestinationRule',
  'ServiceEntry',
  'Service',
  'Pod',
  'Secret',
]

/** The grader input of a check context (built once per context and shared by its checks). */
export function graderInput(ctx: CheckContext): Promise<GraderInput> {
  let input = cache.get(ctx)
  if (input === undefined) {
    input = buildGraderInput(ctx)
    cache.set(ctx, input)
  }
  return input
}

/** Builds the input; prefer {@link graderInput}, which shares it between a step's checks. */
export async function buildGraderInput(ctx: CheckContext): Promise<GraderInput> {
  const ns = learnerNamespaceOf(ctx.vars)
  const { cluster, resources: source, labEnvironment } = ctx.services
  const input: GraderInput = {
    learnerNamespace: ns,
    live: cluster !== undefined,
    model: emptyModel(),
    objects: [],
    deleted: [],
    problems: [],
    sourceDescription: source.describe(),
    cluster,
  }
  const parts: Part[] = []
  const origin = cluster !== undefined ? 'cluster' : 'learner'
  if (isTextSource(source)) {
    for (const { file, text, problem } of await source.texts()) {
      if (problem !== undefined) {
        input.problems.push(fileProblem(file, undefined, problem))
      } else {
        parts.push(textPart(text, file, ns, origin))
      }
    }
  } else {
    const snapshot = await source.list(ctx.readKinds === undefined ? {} : { kinds: ctx.readKinds })
    if (snapshot.ownNamespaces) {
      input.ownNamespaces = snapshot.ownNamespaces
    }
    parts.push(snapshotPart(snapshot, ns, origin, input.problems))
  }
  if (labEnvironment !== undefined) {
    for (const { file, text } of await labEnvironment.manifests(ctx.labId)) {
      parts.push(textPart(substituteVariables(text, ctx.vars), file, ns, 'environment'))
    }
  }
  return combine(input, parts)
}

/** The model and raw objects of one file or snapshot. */
interface Part {
  origin: RawObject['origin']
  model: ResourceModel
  objects: RawObject[]
}

function isTextSource(source: ResourceSource): source is TextResourceSource {
  return typeof (source as Partial<TextResourceSource>).texts === 'function'
}

function textPart(text: string, file: string, ns: string, origin: RawObject['origin']): Part {
  // Read once: the model and the raw objects come from the same documents.
  const read = readKubeYaml(text)
  const model = parseResources(read, { file, defaultNamespace: ns })
  // A learner's file past the reader's limits (an alias bomb, nesting too deep) is refused as bad
  // input (400, exit 66) naming the file and line, as the CLI refuses it; other YAML mistakes
  // stay findings the grader reports with the check.
  const overLimit = model.syntaxErrors.find((e) => e.limit === true)
  if (overLimit !== undefined && origin !== 'environment') {
    throw new AppError('LAB_ERR_INPUT_FILE', {
      message: `${file}:${overLimit.line} is past what kindlab reads: ${overLimit.message}.`,
      hint: 'Write the resources out plainly, as `kubectl get -o yaml` prints them: no deep nesting, few anchors.',
      details: { file, line: overLimit.line },
    })
  }
  return { origin, model, objects: parseRawObjects(read, file, ns, origin) }
}

function snapshotPart(snapshot: ResourceSnapshot, ns: string, origin: RawObject['origin'], problems: Finding[]): Part {
  const model = emptyModel()
  const objects: RawObject[] = []
  snapshot.objects.forEach((object, i) => {
    const at = snapshot.origins[i] ?? {}
    const source = {
      ...(at.file !== undefined ? { file: at.file } : {}),
      ...(at.document !== undefined ? { document: at.document } : {}),
    }
    addObject(model, object, source, ns)
    const raw = readRawObject(object, ns, origin, source)
    if (raw !== undefined) {
      objects.push(raw)
    }
  })
  for (const p of snapshot.problems) {
    problems.push(fileProblem(p.file, p.line, p.message))
  }
  return { origin, model, objects }
}

function fileProblem(file: string, line: number | undefined, message: string): Finding {
  return {
    code: 'IST0106',
    level: 'Error',
    resource: { kind: 'File', namespace: '', name: file },
    message: `${file}${line !== undefined ? `:${line}` : ''}: ${message}`,
    hint: 'Fix the file first: kubectl would refuse it as a whole.',
    source: line !== undefined ? { file, line } : { file },
  }
}

/**
 * Merges the parts: deletion markers remove environment objects, a learner object replaces the
 * environment object with the same identity, and the marker objects themselves are dropped.
 */
function combine(input: GraderInput, parts: readonly Part[]): GraderInput {
  const all = parts.flatMap((p) => p.objects)
  input.deleted = all.filter(isDeletionMarker).map((m) => m.target ?? m.ref)
  const deleted = new Set(input.deleted.map(keyOf))
  const mine = new Set(all.filter((o) => o.origin !== 'environment' && !isDeletionMarker(o)).map((o) => keyOf(o.ref)))
  // Live, the cluster is the truth for every namespace it lists (deletions included); the
  // environment only fills namespaces it does not list, e.g. istio-system for a trainee's scope.
  const listed = new Set(all.filter((o) => o.origin === 'cluster').map((o) => o.ref.namespace))
  const dropEnv = (ref: ObjectRef): boolean =>
    deleted.has(keyOf(ref)) || mine.has(keyOf(ref)) || listed.has(ref.namespace)
  input.objects = all.filter((o) => !isDeletionMarker(o) && !(o.origin === 'environment' && dropEnv(o.ref)))
  const models = parts.map((p) =>
    p.origin === 'environment' ? withoutResources(p.model, dropEnv) : withoutMarkers(p.model),
  )
  input.model = mergeModels(models)
  input.model.findings.push(...input.problems)
  return input
}

type Drop = (ref: ObjectRef) => boolean

function refOfResource(r: Resource): ObjectRef {
  return { group: groupOf(r.apiVersion), kind: r.kind, namespace: r.metadata.namespace, name: r.metadata.name }
}

function withoutResources(model: ResourceModel, drop: Drop): ResourceModel {
  const keep = <T extends Resource>(list: T[]): T[] => list.filter((r) => !drop(refOfResource(r)))
  const dropped = new Set(
    [
      ...model.gateways,
      ...model.virtualServices,
      ...model.destinationRules,
      ...model.serviceEntries,
      ...model.services,
      ...model.pods,
      ...model.rejected,
    ]
      .filter((r) => drop(refOfResource(r)))
      .map((r) => `${r.kind}/${r.metadata.namespace}/${r.metadata.name}`),
  )
  return {
    gateways: keep(model.gateways),
    virtualServices: keep(model.virtualServices),
    destinationRules: keep(model.destinationRules),
    serviceEntries: keep(model.serviceEntries),
    services: keep(model.services),
    pods: keep(model.pods),
    rejected: keep(model.rejected),
    ignored: model.ignored.filter(
      (o) => !drop({ group: groupOf(o.apiVersion), kind: o.kind, namespace: o.namespace, name: o.name }),
    ),
    findings: model.findings.filter(
      (f) => !dropped.has(`${f.resource.kind}/${f.resource.namespace}/${f.resource.name}`),
    ),
  }
}

function withoutMarkers(model: ResourceModel): ResourceModel {
  return {
    ...model,
    ignored: model.ignored.filter((o) => !(o.apiVersion === DELETION_API_VERSION && o.kind === 'Deleted')),
  }
}

/** `Kind/namespace/name` with the API group, to compare object identities. */
export function keyOf(ref: ObjectRef): string {
  return `${ref.group}/${ref.kind}/${ref.namespace}/${ref.name}`.toLowerCase()
}
