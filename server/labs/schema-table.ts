// Describes the lab.yaml schema as rows of a Markdown table, so labs/README.md can show every
// field and a test can prove the README still matches the schema. Pure.
import { KEBAB_CASE, LabYamlSchema, STEP_FILE } from './lab-schema.ts'

/** One documented field. */
export interface FieldRow {
  /** Dotted path: `steps[].checks[].id`, `variables.NAME.default`. */
  field: string
  type: string
  required: boolean
  description: string
}

type Json = Record<string, unknown>

/** Every field of lab.yaml, depth first, in schema order. */
export function labYamlFields(): FieldRow[] {
  return objectRows(LabYamlSchema, '')
}

function objectRows(schema: Json, prefix: string): FieldRow[] {
  const properties = (schema['properties'] ?? {}) as Record<string, Json>
  const required = (schema['required'] ?? []) as string[]
  return Object.entries(properties).flatMap(([name, prop]) => {
    const field = `${prefix}${name}`
    // A field with a default may be left out: the schema fills it in.
    const row = {
      field,
      type: typeName(prop),
      required: required.includes(name) && prop['default'] === undefined,
      description: describe(prop),
    }
    return [row, ...childRows(prop, field)]
  })
}

function childRows(prop: Json, field: string): FieldRow[] {
  const items = prop['items'] as Json | undefined
  if (prop['type'] === 'array' && items?.['type'] === 'object') {
    return objectRows(items, `${field}[].`)
  }
  const pattern = prop['patternProperties'] as Record<string, Json> | undefined
  const value = pattern ? Object.values(pattern)[0] : undefined
  if (value) {
    return objectRows(value, `${field}.NAME.`)
  }
  return prop['type'] === 'object' ? objectRows(prop, `${field}.`) : []
}

function typeName(schema: Json): string {
  const anyOf = schema['anyOf'] as Json[] | undefined
  if (anyOf?.every((s) => 'const' in s)) {
    return anyOf.map((s) => `\`${String(s['const'])}\``).join(' or ')
  }
  if (anyOf) {
    return anyOf.map(typeName).join(' or ')
  }
  if (schema['pattern'] === KEBAB_CASE) {
    return 'kebab-case string'
  }
  if (schema['pattern'] === STEP_FILE) {
    return '`steps/NN-slug.md`'
  }
  switch (schema['type']) {
    case 'array':
      return `list of ${plural(typeName(schema['items'] as Json))}`
    case 'object':
      return schema['patternProperties'] ? 'mapping of NAME' : 'mapping'
    default:
      return String(schema['type'])
  }
}

function plural(type: string): string {
  return type === 'mapping' ? 'mappings' : type.endsWith('string') ? `${type}s` : type
}

function describe(schema: Json): string {
  const text = typeof schema['description'] === 'string' ? schema['description'] : ''
  return schema['default'] === undefined ? text : `${text} Default: \`${JSON.stringify(schema['default'])}\`.`
}

/** The rows as a Markdown table. */
export function fieldsTable(rows: readonly FieldRow[] = labYamlFields()): string {
  const escape = (text: string): string => text.replace(/\|/g, '\\|')
  const lines = ['| Field | Type | Required | Meaning |', '|---|---|---|---|']
  for (const row of rows) {
    lines.push(
      `| \`${row.field}\` | ${escape(row.type)} | ${row.required ? 'yes' : 'no'} | ${escape(row.description)} |`,
    )
  }
  return lines.join('\n')
}
