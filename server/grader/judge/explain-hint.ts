// Turns the grader core's explanation of a request (one item per hop, naming the resource and the
// field) and the analyzers' findings into the specific hint a check returns after the lab's nudges:
// the exact resource, field and value, with the file and line when the learner's file is known.
import type { Finding } from '../core/findings.ts'
import type { ExplanationItem } from '../core/index.ts'
import type { ResourceModel } from '../core/model/index.ts'
import type { Cause } from '../../checks/causes.ts'

/** The cause of a miss at a hop, when the explainer names none more precise. */
const hopCause: Record<ExplanationItem['hop'], Cause> = {
  listener: 'no-listener',
  filter_chain: 'protocol-mismatch',
  virtual_host: 'host-mismatch',
  route: 'no-route',
  cluster: 'destination-not-found',
}

/** The first precise cause an explainer gave. */
export function preciseCause(items: readonly ExplanationItem[]): Cause | undefined {
  return items.find((i) => i.cause !== undefined)?.cause
}

/** Why the request missed: the first precise cause an explainer gave, else the first item's hop. */
export function causeFromExplanation(items: readonly ExplanationItem[]): Cause | undefined {
  const precise = preciseCause(items)
  if (precise !== undefined) {
    return precise
  }
  const first = items[0]
  return first === undefined ? undefined : hopCause[first.hop]
}

/** `shop-route.yaml:3` for a `Kind ns/name` the model knows, else undefined. */
export function whereIs(model: ResourceModel, resource: string | undefined): string | undefined {
  if (resource === undefined) {
    return undefined
  }
  const m = /^(\w+) ([^/\s]+)\/(\S+)$/.exec(resource)
  if (m === null) {
    return undefined
  }
  const [, kind, namespace, name] = m
  const all = [
    ...model.gateways,
    ...model.virtualServices,
    ...model.destinationRules,
    ...model.serviceEntries,
    ...model.services,
    ...model.rejected,
  ]
  const hit = all.find((r) => r.kind === kind && r.metadata.namespace === namespace && r.metadata.name === name)
  const file = hit?.source.file
  if (file === undefined) {
    return undefined
  }
  return hit?.source.line === undefined ? file : `${file}:${hit.source.line}`
}

function itemText(model: ResourceModel, i: ExplanationItem): string {
  const where = whereIs(model, i.resource)
  const field = i.path === undefined ? '' : ` [${i.resource ?? ''} ${i.path}${where === undefined ? '' : `, ${where}`}]`
  return `${i.message}${i.hint === undefined ? '' : ` ${i.hint}`}${field}`.trim()
}

/**
 * The most specific explanation items first (those naming a field, then those with a fix), at most
 * `max` of them, as one hint. Undefined when there is nothing specific to say.
 */
export function hintFromExplanation(
  model: ResourceModel,
  items: readonly ExplanationItem[],
  max = 2,
): string | undefined {
  const score = (i: ExplanationItem): number => (i.path !== undefined ? 2 : 0) + (i.hint !== undefined ? 1 : 0)
  const ordered = items
    .map((item, index) => ({ item, index }))
    .sort((a, b) => score(b.item) - score(a.item) || a.index - b.index)
  const top = ordered[0] === undefined ? 0 : score(ordered[0].item)
  // Items naming both a field and a fix say it all; otherwise take the most specific few.
  const ranked = (top === 3 ? ordered.filter((o) => score(o.item) === 3) : ordered)
    .slice(0, max)
    .sort((a, b) => a.index - b.index)
  const text = ranked.map((r) => itemText(model, r.item)).join(' ')
  return text === '' ? undefined : text
}

/** One finding as a hint sentence: code, resource, field, message, fix, file:line. */
export function hintFromFinding(f: Finding): string {
  const where =
    f.source?.file === undefined ? '' : ` (${f.source.file}${f.source.line === undefined ? '' : `:${f.source.line}`})`
  const field = f.path === undefined ? '' : ` ${f.path}`
  return `${f.code} ${f.resource.kind} ${f.resource.namespace}/${f.resource.name}${field}${where}: ${f.message}${f.hint === undefined ? '' : ` ${f.hint}`}`
}

/** Joins hint parts, skipping empty ones. */
export function joinHints(...parts: Array<string | undefined>): string | undefined {
  const kept = parts.filter((p): p is string => p !== undefined && p.trim() !== '')
  return kept.length === 0 ? undefined : kept.join(' ')
}
