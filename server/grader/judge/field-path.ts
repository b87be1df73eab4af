// Field paths into plain Kubernetes objects, as check authors write them: `spec.ports[0].port`,
// `spec.ports[name=http].port`, `metadata.labels["app.kubernetes.io/name"]`. Pure.

/** One step of a path: a key, an index, or the first list item whose `key` equals `value`. */
export type PathStep = { key: string } | { index: number } | { where: { key: string; value: string } }

/** Parses a path; throws on a malformed one (the lab validator calls this too). */
export function parseFieldPath(path: string): PathStep[] {
  const steps: PathStep[] = []
  const re = /\.?([A-Za-z0-9_$-]+)|\[(\d+)\]|\[([A-Za-z0-9_.-]+)=([^\]]*)\]|\["([^"]+)"\]/gy
  let m: RegExpExecArray | null
  let at = 0
  while (at < path.length && (m = re.exec(path)) !== null) {
    if (m[1] !== undefined) {
      steps.push({ key: m[1] })
    } else if (m[2] !== undefined) {
      steps.push({ index: Number(m[2]) })
    } else if (m[3] !== undefined) {
      steps.push({ where: { key: m[3], value: m[4] ?? '' } })
    } else if (m[5] !== undefined) {
      steps.push({ key: m[5] })
    }
    at = re.lastIndex
  }
  if (at !== path.length || steps.length === 0) {
    throw new Error(`"${path}" is not a field path like spec.ports[0].port or spec.ports[name=http].port`)
  }
  return steps
}

/** The value at `path`, or undefined when any step is missing. */
export function getField(object: unknown, path: string): unknown {
  let cur: unknown = object
  for (const step of parseFieldPath(path)) {
    if ('key' in step) {
      cur =
        cur !== null && typeof cur === 'object' && !Array.isArray(cur)
          ? (cur as Record<string, unknown>)[step.key]
          : undefined
    } else if ('index' in step) {
      cur = Array.isArray(cur) ? (cur[step.index] as unknown) : undefined
    } else {
      const { key, value } = step.where
      cur = Array.isArray(cur)
        ? (cur as unknown[]).find(
            (item) =>
              item !== null && typeof item === 'object' && String((item as Record<string, unknown>)[key]) === value,
          )
        : undefined
    }
    if (cur === undefined) {
      return undefined
    }
  }
  return cur
}

/**
 * The concrete keys and indexes of `path` in `object` (a `[name=http]` step becomes the index of
 * that item), as far as the object has them: where in the file to point when the field is wrong.
 * @example fieldSegments({ spec: { ports: [{ name: 'http' }] } }, 'spec.ports[name=http].port') // ['spec', 'ports', 0, 'port']
 */
export function fieldSegments(object: unknown, path: string): Array<string | number> {
  const out: Array<string | number> = []
  let cur: unknown = object
  for (const step of parseFieldPath(path)) {
    if ('key' in step) {
      out.push(step.key)
      cur =
        cur !== null && typeof cur === 'object' && !Array.isArray(cur)
          ? (cur as Record<string, unknown>)[step.key]
          : undefined
    } else if ('index' in step) {
      out.push(step.index)
      cur = Array.isArray(cur) ? (cur[step.index] as unknown) : undefined
    } else {
      const { key, value } = step.where
      const index = Array.isArray(cur)
        ? (cur as unknown[]).findIndex(
            (item) =>
              item !== null && typeof item === 'object' && String((item as Record<string, unknown>)[key]) === value,
          )
        : -1
      if (index < 0) {
        return out
      }
      out.push(index)
      cur = (cur as unknown[])[index]
    }
    if (cur === undefined) {
      return out
    }
  }
  return out
}

/** Scalars compare as strings (YAML `80` equals `"80"`); objects as JSON. */
export function sameValue(actual: unknown, expected: unknown): boolean {
  if (actual === undefined || actual === null) {
    return expected === undefined || expected === null
  }
  if (typeof actual === 'object' || typeof expected === 'object') {
    return JSON.stringify(actual) === JSON.stringify(expected)
  }
  return textOf(actual).trim() === textOf(expected).trim()
}

/** A scalar as text; objects as JSON (never "[object Object]"). */
export function textOf(value: unknown): string {
  if (typeof value === 'string') {
    return value
  }
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') {
    return value.toString()
  }
  return JSON.stringify(value) ?? ''
}

/** A value for messages: strings quoted, objects as compact JSON. */
export function show(value: unknown): string {
  if (value === undefined) {
    return '(not set)'
  }
  return JSON.stringify(value) ?? textOf(value)
}
