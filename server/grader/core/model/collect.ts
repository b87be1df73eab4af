// Assembles a ResourceModel from plain API objects (as the Kubernetes API returns them), and
// merges models read from several files. Pure.
import type { SourceLocation } from '../findings.ts'
import { type BuiltObject, buildResource } from './build-resource.ts'
import type { ResourceModel } from './types.ts'

/** Options shared by the model builders. */
export interface ModelOptions {
  /** Namespace for objects without metadata.namespace. @default 'default' */
  defaultNamespace?: string
}

/** A model with nothing in it. */
export function emptyModel(): ResourceModel {
  return {
    gateways: [],
    virtualServices: [],
    destinationRules: [],
    serviceEntries: [],
    services: [],
    pods: [],
    rejected: [],
    ignored: [],
    findings: [],
  }
}

/** Adds one built object to the model, in place. */
export function addBuilt(model: ResourceModel, built: BuiltObject): void {
  model.findings.push(...built.findings)
  if (built.ignored !== undefined) {
    model.ignored.push(built.ignored)
  }
  const res = built.resource
  if (res === undefined) {
    return
  }
  if (built.rejected) {
    model.rejected.push(res)
    return
  }
  switch (res.kind) {
    case 'Gateway':
      model.gateways.push(res)
      break
    case 'VirtualService':
      model.virtualServices.push(res)
      break
    case 'DestinationRule':
      model.destinationRules.push(res)
      break
    case 'ServiceEntry':
      model.serviceEntries.push(res)
      break
    case 'Service':
      model.services.push(res)
      break
    case 'Pod':
      model.pods.push(res)
      break
  }
}

/** Adds an object, expanding `kind: List` (and `*List`) objects into their items. */
export function addObject(model: ResourceModel, raw: unknown, source: SourceLocation, defaultNamespace: string): void {
  if (raw !== null && typeof raw === 'object' && !Array.isArray(raw)) {
    const o = raw as Record<string, unknown>
    const kind = o['kind']
    if (typeof kind === 'string' && kind.endsWith('List') && Array.isArray(o['items'])) {
      for (const item of o['items'] as unknown[]) {
        addObject(model, item, source, defaultNamespace)
      }
      return
    }
  }
  addBuilt(model, buildResource(raw, source, defaultNamespace))
}

/**
 * Builds a model from API objects (e.g. the items of `kubectl get -o json` or the Kubernetes
 * client). Unknown kinds are listed in `ignored`; invalid objects become IST0106 findings.
 */
export function fromApiObjects(objects: readonly unknown[], options: ModelOptions = {}): ResourceModel {
  const model = emptyModel()
  const ns = options.defaultNamespace ?? 'default'
  objects.forEach((o) => addObject(model, o, {}, ns))
  return model
}

/** Concatenates models in order (e.g. one per file). */
export function mergeModels(models: readonly ResourceModel[]): ResourceModel {
  const out = emptyModel()
  for (const m of models) {
    for (const key of Object.keys(out) as Array<keyof ResourceModel>) {
      ;(out[key] as unknown[]).push(...(m[key] as unknown[]))
    }
  }
  return out
}
