// A check's parameters are validated and defaulted once, when its lab is loaded, against its kind's
// `paramsSchema` in the app-wide dialect (server/validation/dialect.ts): a default is written once,
// as `default:` in the schema, and a check kind receives its parameters with those defaults
// filled in. The runner (run-checks.ts) accepts only checks prepared here.
import type { TSchema } from '@sinclair/typebox'
import type { ErrorObject } from 'ajv'
import { AppError } from '../errors.ts'
import { errorsText, validateDocument } from '../validation/dialect.ts'
import type { CheckKind } from './types.ts'

/** A check as declared in a lab: its id, kind, optional hints and the kind's params. */
export interface DeclaredCheck {
  id: string
  kind: string
  title?: string
  hint?: string | string[]
  /** Written hints keyed by cause (causes.ts). */
  hintByCause?: Record<string, string | string[]>
  [param: string]: unknown
}

declare const prepared: unique symbol

/**
 * A declared check whose parameters matched its kind's schema, with the schema's defaults filled
 * in. Made only by {@link prepareParams} (the lab loader) and {@link prepareCheck}. Substituting
 * `${NAME}` variables (labs/variables.ts) keeps it prepared: it turns text into text.
 */
export type PreparedCheck = DeclaredCheck & { readonly [prepared]: true }

/** The fields every check has; the rest are the kind's parameters. */
const COMMON_FIELDS = new Set(['id', 'kind', 'title', 'hint', 'hintByCause'])

/** Splits a declared check into the kind's params. */
export function paramsOf(check: DeclaredCheck): Record<string, unknown> {
  return Object.fromEntries(Object.entries(check).filter(([key]) => !COMMON_FIELDS.has(key)))
}

/** The outcome of {@link prepareParams}: the prepared check, or every schema error of its params. */
export type PrepareResult = { ok: true; check: PreparedCheck } | { ok: false; errors: ErrorObject[] }

/** Validates a check's params against its kind's schema and fills in the schema's defaults (on a copy). */
export function prepareParams(kind: { paramsSchema: TSchema }, check: DeclaredCheck): PrepareResult {
  const result = validateDocument(kind.paramsSchema, paramsOf(check))
  return result.ok
    ? { ok: true, check: { ...check, ...(result.value as Record<string, unknown>) } as PreparedCheck }
    : result
}

/**
 * {@link prepareParams} for checks written in code (tests, tools): an unknown kind or invalid
 * params throw. Labs go through the lab loader, which reports each problem at its file and line.
 */
export function prepareCheck(
  kinds: ReadonlyMap<string, { paramsSchema: TSchema }>,
  check: DeclaredCheck,
): PreparedCheck {
  const kind = kinds.get(check.kind)
  if (!kind) {
    throw new AppError('LAB_ERR_CHECK_UNKNOWN_KIND', {
      message: `Check "${check.id}" has the unknown kind "${check.kind}".`,
      hint: `Known kinds: ${[...kinds.keys()].join(', ')}. Run \`kindlab labs validate\`.`,
    })
  }
  const result = prepareParams(kind, check)
  if (!result.ok) {
    throw new AppError('LAB_ERR_LAB_INVALID', {
      message: `Check "${check.id}" has invalid parameters: ${errorsText(result.errors)}.`,
      hint: 'Run `kindlab labs validate` to see the file and line.',
    })
  }
  return result.check
}

/** A kind's params as written, validated and with the schema's defaults: for calling a kind directly (tests, tools). */
export function paramsFor<P>(kind: CheckKind<P>, params: Record<string, unknown>): P {
  const check = prepareCheck(new Map([[kind.kind, kind]]), { id: kind.kind, ...params, kind: kind.kind })
  return paramsOf(check) as P
}
