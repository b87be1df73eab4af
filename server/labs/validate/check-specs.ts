// Validates declared checks beyond the base schema: the kind is known, the parameters match that
// kind's schema (and get its defaults, once, here: checks/check-params.ts), `${NAME}` references
// are declared, and ids are unique in the lab. Pure: no I/O.
import { paramsOf, prepareParams, type PreparedCheck } from '../../checks/check-params.ts'
import type { CheckSpec } from '../lab-schema.ts'
import { issuesOf, suggest } from '../schema-issues.ts'
import { collectStrings } from '../variables.ts'
import type { ValuePath, YamlSource } from '../yaml-source.ts'
import type { LabContext } from './lab-context.ts'
import { addError, checkVariableRefs } from './lab-context.ts'

/** A list of checks and where it was written (lab.yaml's step entry or a step's front matter). */
export interface CheckList {
  /** Issue path of the YAML's file. */
  file: string
  source: YamlSource
  /** Path of the list inside the YAML, e.g. ['steps', 0, 'checks']. */
  path: ValuePath
  items: unknown
}

/** Validates each check of the list and returns those with an id, a known kind and valid params, prepared. */
export function validateCheckList(ctx: LabContext, list: CheckList): PreparedCheck[] {
  if (!Array.isArray(list.items)) {
    return []
  }
  const specs: PreparedCheck[] = []
  list.items.forEach((item: unknown, j) => {
    if (item === null || typeof item !== 'object' || Array.isArray(item)) {
      return
    }
    const spec = item as Record<string, unknown>
    const path = [...list.path, j]
    if (typeof spec['id'] === 'string') {
      checkUniqueId(ctx, list, path, spec['id'])
    }
    const prepared =
      typeof spec['kind'] === 'string' ? checkKindAndParams(ctx, list, path, spec as CheckSpec) : undefined
    if (typeof spec['id'] === 'string' && prepared) {
      specs.push(prepared)
    }
  })
  return specs
}

function checkUniqueId(ctx: LabContext, list: CheckList, path: ValuePath, id: string): void {
  const at = list.source.locate([...path, 'id'])
  const first = ctx.checkIds.get(id)
  if (first) {
    addError(
      ctx,
      list.file,
      at,
      `The check id "${id}" is already used at ${first.file}:${first.line}.`,
      'Check ids must be unique in the lab; rename one.',
    )
    return
  }
  ctx.checkIds.set(id, { file: list.file, line: at.line })
}

/** The check prepared (params valid, defaults filled in); undefined, with issues, otherwise. */
function checkKindAndParams(
  ctx: LabContext,
  list: CheckList,
  path: ValuePath,
  spec: CheckSpec,
): PreparedCheck | undefined {
  const params = paramsOf(spec)
  const texts = { ...params, title: spec.title, hint: spec.hint, hintByCause: spec.hintByCause }
  for (const found of collectStrings(texts)) {
    checkVariableRefs(ctx, list.file, found.text, () => list.source.locate([...path, ...found.path]))
  }
  const kind = ctx.checkKinds.get(spec.kind)
  if (!kind) {
    const known = [...ctx.checkKinds.keys()].sort()
    const knownList = `Known kinds: ${known.join(', ') || 'none'}.`
    const close = suggest(spec.kind, known)
    const hint = close ? `${close} ${knownList}` : knownList
    addError(ctx, list.file, list.source.locate([...path, 'kind']), `Unknown check kind "${spec.kind}".`, hint)
    return undefined
  }
  const prepared = prepareParams(kind, spec)
  if (prepared.ok) {
    return prepared.check
  }
  for (const issue of issuesOf(prepared.errors, list.source, list.file, { basePath: path })) {
    ctx.issues.push({ ...issue, message: `Check "${String(spec.id)}" (${spec.kind}): ${issue.message}` })
  }
  return undefined
}
