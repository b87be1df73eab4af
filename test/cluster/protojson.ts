// Converts istiod's /debug/config_dump (protojson: camelCase field names) into the shape of Envoy's
// admin /config_dump (proto field names, snake_case), so the grader's parseConfigDump can read it.
// Keys of map and Struct fields (filter metadata, typed_per_filter_config) are data and kept as is.
// Test code only.

/** Fields whose value is a map or Struct: their keys are names, not proto fields. */
const MAP_FIELDS = new Set(['filter_metadata', 'typed_filter_metadata', 'typed_per_filter_config', 'fields'])

/** `virtualHosts` → `virtual_hosts`; `@type` and already snake_case names stay. */
export function snakeCase(key: string): string {
  return key.startsWith('@') ? key : key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)
}

/** Deeply renames protojson field names to proto names. */
export function protojsonToEnvoy(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.map(protojsonToEnvoy)
  }
  if (value === null || typeof value !== 'object') {
    return value
  }
  const out: Record<string, unknown> = {}
  for (const [key, inner] of Object.entries(value as Record<string, unknown>)) {
    const name = snakeCase(key)
    out[name] = MAP_FIELDS.has(name) ? mapValues(inner) : protojsonToEnvoy(inner)
  }
  return out
}

/** A map field: keys kept, each value converted unless it is Struct data (metadata). */
function mapValues(value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return value
  }
  const out: Record<string, unknown> = {}
  for (const [key, inner] of Object.entries(value as Record<string, unknown>)) {
    // typed_per_filter_config values are Any messages (with @type); metadata values are Structs.
    const isAny = inner !== null && typeof inner === 'object' && '@type' in inner
    out[key] = isAny ? protojsonToEnvoy(inner) : inner
  }
  return out
}
