// Small readers for untyped JSON from an Envoy admin /config_dump: each one checks a shape and
// names the JSON path when it is wrong. Pure: no I/O, no knowledge of Envoy semantics.

/** A config dump (or part of one) that does not have the shape Envoy writes. */
export class ConfigDumpError extends Error {
  /** JSON path of the offending value, e.g. `configs[0].dynamic_route_configs[2]`. */
  readonly path: string

  constructor(path: string, problem: string) {
    super(path === '' ? problem : `${path}: ${problem}`)
    this.name = 'ConfigDumpError'
    this.path = path
  }
}

export type JsonObject = Record<string, unknown>

/** True for a plain JSON object (not an array, not null). */
export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Returns `value` as an object or throws a ConfigDumpError naming `path`. */
export function expectObject(value: unknown, path: string): JsonObject {
  if (!isObject(value)) {
    throw new ConfigDumpError(path, `expected an object, found ${describe(value)}`)
  }
  return value
}

/** Reads an optional array field; absent or null gives []. */
export function arrayField(obj: JsonObject, key: string, path: string): unknown[] {
  const value = obj[key]
  if (value === undefined || value === null) {
    return []
  }
  if (!Array.isArray(value)) {
    throw new ConfigDumpError(`${path}.${key}`, `expected an array, found ${describe(value)}`)
  }
  return value
}

/** Reads an optional string field; absent gives undefined. */
export function stringField(obj: JsonObject, key: string, path: string): string | undefined {
  const value = obj[key]
  if (value === undefined || value === null) {
    return undefined
  }
  if (typeof value !== 'string') {
    throw new ConfigDumpError(`${path}.${key}`, `expected a string, found ${describe(value)}`)
  }
  return value
}

/** Reads an optional array of strings; absent gives []. */
export function stringArrayField(obj: JsonObject, key: string, path: string): string[] {
  return arrayField(obj, key, path).map((item, i) => {
    if (typeof item !== 'string') {
      throw new ConfigDumpError(`${path}.${key}[${i}]`, `expected a string, found ${describe(item)}`)
    }
    return item
  })
}

/** Reads an optional object field; absent gives undefined. */
export function objectField(obj: JsonObject, key: string, path: string): JsonObject | undefined {
  const value = obj[key]
  if (value === undefined || value === null) {
    return undefined
  }
  return expectObject(value, `${path}.${key}`)
}

/** Envoy writes uint32 as a JSON number and uint64 as a string; accepts both. */
export function numberField(obj: JsonObject, key: string, path: string): number | undefined {
  const value = obj[key]
  if (value === undefined || value === null) {
    return undefined
  }
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value
  if (typeof n !== 'number' || !Number.isFinite(n)) {
    throw new ConfigDumpError(`${path}.${key}`, `expected a number, found ${describe(value)}`)
  }
  return n
}

/** The `@type` of a typed config, or undefined. */
export function typeUrl(obj: JsonObject | undefined): string | undefined {
  const value = obj?.['@type']
  return typeof value === 'string' ? value : undefined
}

/** True when a type URL names the given message, whatever its package version (v2, v3). */
export function isTypeOf(url: string | undefined, messageName: string): boolean {
  return url !== undefined && (url === messageName || url.endsWith(`.${messageName}`))
}

/** A copy of a JSON object without its `@type` key. */
export function withoutTypeUrl(obj: JsonObject): JsonObject {
  const { ['@type']: _type, ...rest } = obj
  return rest
}

function describe(value: unknown): string {
  if (value === null) {
    return 'null'
  }
  if (Array.isArray(value)) {
    return 'an array'
  }
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`
}
