// Lab variables: `${NAME}` references in step text, file blocks and check parameters, the values a
// session gives them, and `$${NAME}` to write a literal `${NAME}`. Pure: no I/O.
import type { CheckSpec, VariableSpec } from './lab-schema.ts'

const REFERENCE = /(\$?)\$\{([A-Z][A-Z0-9_]*)\}/g

/** Variable values by name, as a session sees them. */
export type VariableValues = Readonly<Record<string, string>>

/** A `${NAME}` found in a text. */
export interface VariableRef {
  name: string
  /** Offset of the `$` in the text. */
  index: number
}

/** Every `${NAME}` in `text`, except escaped `$${NAME}`. */
export function findVariableRefs(text: string): VariableRef[] {
  const refs: VariableRef[] = []
  for (const match of text.matchAll(REFERENCE)) {
    if (match[1] === '' && match[2] !== undefined) {
      refs.push({ name: match[2], index: match.index })
    }
  }
  return refs
}

/**
 * Replaces `${NAME}` with its value and `$${NAME}` with a literal `${NAME}`. Names without a value
 * stay as written, so a mistake is visible rather than silently empty.
 */
export function substituteVariables(text: string, values: VariableValues): string {
  if (!text.includes('${')) {
    return text
  }
  return text.replace(REFERENCE, (whole, escape: string, name: string) => {
    if (escape === '$') {
      return whole.slice(1)
    }
    return Object.hasOwn(values, name) ? (values[name] ?? whole) : whole
  })
}

/**
 * The values for a session: each declared variable's default, overridden by `overrides` for
 * declared names only (unknown names are ignored).
 */
export function resolveVariables(
  variables: Readonly<Record<string, VariableSpec>>,
  overrides: Readonly<Record<string, string | undefined>> = {},
): Record<string, string> {
  const values: Record<string, string> = {}
  for (const [name, spec] of Object.entries(variables)) {
    const override = Object.hasOwn(overrides, name) ? overrides[name] : undefined
    values[name] = override ?? spec.default
  }
  return values
}

/** A copy of a check with `${NAME}` substituted in every string parameter (id and kind untouched). */
export function resolveCheck<C extends CheckSpec>(spec: C, values: VariableValues): C {
  const resolved: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(spec)) {
    resolved[key] = key === 'id' || key === 'kind' ? value : substituteDeep(value, values)
  }
  return resolved as C
}

function substituteDeep(value: unknown, values: VariableValues): unknown {
  if (typeof value === 'string') {
    return substituteVariables(value, values)
  }
  if (Array.isArray(value)) {
    return value.map((item) => substituteDeep(item, values))
  }
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substituteDeep(v, values)]))
  }
  return value
}

/** Every string inside a value with its path, for finding references in check parameters. */
export function collectStrings(
  value: unknown,
  path: (string | number)[] = [],
): { path: (string | number)[]; text: string }[] {
  if (typeof value === 'string') {
    return [{ path, text: value }]
  }
  if (Array.isArray(value)) {
    return value.flatMap((item, i) => collectStrings(item, [...path, i]))
  }
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => collectStrings(v, [...path, k]))
  }
  return []
}
