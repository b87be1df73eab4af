// Validates parsed YAML against a TypeBox/JSON schema in the app-wide dialect
// (server/validation/dialect.ts) and turns each error into a LabIssue at the offending node's
// file:line, worded for a lab author. Pure: no I/O.
import type { ErrorObject } from 'ajv'
import type { TSchema } from '@sinclair/typebox'
import { validateDocument } from '../validation/dialect.ts'
import type { LabIssue } from './lab-model.ts'
import type { ValuePath, YamlSource } from './yaml-source.ts'

/**
 * Validates `value` (found at `basePath` in `source`) against `schema` and reports each problem
 * at the line of the node it concerns.
 */
export function schemaIssues(
  schema: TSchema,
  value: unknown,
  source: YamlSource,
  file: string,
  where: SchemaIssueOptions = {},
): LabIssue[] {
  const result = validateDocument(schema, value)
  return result.ok ? [] : issuesOf(result.errors, source, file, where)
}

/** The dialect's errors for a value found at `where.basePath` in `source`, each at its line. */
export function issuesOf(
  errors: readonly ErrorObject[],
  source: YamlSource,
  file: string,
  where: SchemaIssueOptions = {},
): LabIssue[] {
  const at = { basePath: where.basePath ?? [], rootLabel: where.rootLabel ?? 'The file' }
  return simplify(errors).map((err) => toIssue(err, source, file, at))
}

/** Where the validated value sits, for locating and naming it. */
export interface SchemaIssueOptions {
  /** Path of the value inside the YAML document. @default [] */
  basePath?: ValuePath
  /** How to name the value itself when it is the document root. @default 'The file' */
  rootLabel?: string
}

/** Keywords whose failure the schema's `x-message` explains better than ajv. */
const CUSTOM_MESSAGE_KEYWORDS = new Set(['pattern', 'anyOf', 'const', 'enum', 'format', 'additionalProperties'])

/** Drops the per-branch errors of a failed anyOf: its own message says it better. */
function simplify(errors: readonly ErrorObject[]): ErrorObject[] {
  const unions = errors.filter((err) => err.keyword === 'anyOf').map((err) => `${err.schemaPath}/`)
  return errors.filter((err) => !unions.some((prefix) => err.schemaPath.startsWith(prefix)))
}

function toIssue(
  err: ErrorObject,
  source: YamlSource,
  file: string,
  at: { basePath: ValuePath; rootLabel: string },
): LabIssue {
  const path = [...at.basePath, ...decodePointer(err.instancePath)]
  const field = displayPath(path) || at.rootLabel
  const custom = CUSTOM_MESSAGE_KEYWORDS.has(err.keyword) ? xMessage(err.parentSchema) : undefined
  const params = err.params as Record<string, unknown>
  const base = { file, level: 'error' as const }
  if (err.keyword === 'required') {
    const missing = String(params['missingProperty'])
    const description = propertyDescription(err.parentSchema, missing)
    return {
      ...base,
      ...source.locate(path),
      message: `${field} is missing "${missing}".`,
      ...(description ? { hint: description } : {}),
    }
  }
  if (err.keyword === 'additionalProperties') {
    const extra = String(params['additionalProperty'])
    const where = source.locate([...path, extra], 'key')
    if (custom) {
      return { ...base, ...where, message: `${custom} Found "${extra}".` }
    }
    const allowed = Object.keys(propertiesOf(err.parentSchema))
    const hint = suggest(extra, allowed) ?? (allowed.length > 0 ? `Allowed fields: ${allowed.join(', ')}.` : undefined)
    return {
      ...base,
      ...where,
      message: `Unknown field "${extra}"${path.length > 0 ? ` in ${field}` : ''}.`,
      ...(hint ? { hint } : {}),
    }
  }
  const where = source.locate(path)
  if (custom) {
    return { ...base, ...where, message: `${custom} Found ${describe(err.data)}.` }
  }
  return { ...base, ...where, message: `${field} ${wording(err)}.` }
}

function wording(err: ErrorObject): string {
  const params = err.params as Record<string, unknown>
  switch (err.keyword) {
    case 'type':
      return `must be ${yamlType(String(params['type']))}, not ${describe(err.data)}`
    case 'minLength':
      return 'must not be empty'
    case 'minItems':
      return `must list at least ${String(params['limit'])} item${params['limit'] === 1 ? '' : 's'}`
    case 'pattern':
      return `must match the pattern ${String(params['pattern'])} (found ${describe(err.data)})`
    default:
      return `${err.message ?? 'is not valid'} (found ${describe(err.data)})`
  }
}

/** JSON Schema type names as a YAML author says them. */
function yamlType(type: string): string {
  const names: Record<string, string> = {
    object: 'a mapping (key: value lines)',
    array: 'a list',
    string: 'text',
    boolean: 'true or false',
    number: 'a number',
    integer: 'a whole number',
  }
  return names[type] ?? type
}

/** Turns an ajv instancePath (JSON pointer) into path segments. */
export function decodePointer(pointer: string): string[] {
  if (pointer === '') {
    return []
  }
  return pointer
    .slice(1)
    .split('/')
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
}

/** `steps[0].checks[1].id` for ['steps', 0, 'checks', 1, 'id']. */
export function displayPath(path: ValuePath): string {
  let out = ''
  for (const segment of path) {
    out += /^\d+$/.test(String(segment)) ? `[${String(segment)}]` : `${out ? '.' : ''}${String(segment)}`
  }
  return out
}

/** A short, quoted description of a value for messages. */
export function describe(value: unknown): string {
  if (value === null || value === undefined) {
    return 'nothing'
  }
  if (Array.isArray(value)) {
    return 'a list'
  }
  if (typeof value === 'object') {
    return 'a mapping'
  }
  if (typeof value === 'string') {
    return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value)
  }
  return typeof value === 'number' || typeof value === 'boolean' ? `${typeof value} ${value}` : typeof value
}

function xMessage(schema: unknown): string | undefined {
  const value = isRecord(schema) ? schema['x-message'] : undefined
  return typeof value === 'string' ? value : undefined
}

function propertiesOf(schema: unknown): Record<string, unknown> {
  const props = isRecord(schema) ? schema['properties'] : undefined
  return isRecord(props) ? props : {}
}

function propertyDescription(schema: unknown, name: string): string | undefined {
  const prop = propertiesOf(schema)[name]
  const description = isRecord(prop) ? prop['description'] : undefined
  return typeof description === 'string' ? `${name}: ${description}` : undefined
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}

/** `Did you mean "x"?` when one of `allowed` is a likely typo of `name`; undefined otherwise. */
export function suggest(name: string, allowed: readonly string[]): string | undefined {
  const close = allowed
    .map((candidate) => ({ candidate, distance: editDistance(name.toLowerCase(), candidate.toLowerCase()) }))
    .filter((c) => c.distance <= (c.candidate.length <= 3 ? 1 : Math.max(2, Math.floor(c.candidate.length / 3))))
    .sort((a, b) => a.distance - b.distance)[0]
  return close ? `Did you mean "${close.candidate}"?` : undefined
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost))
    }
    previous = current
  }
  return previous[b.length] ?? 0
}
