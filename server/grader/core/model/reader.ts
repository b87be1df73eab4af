// Typed, path-aware reading of untrusted plain objects (parsed YAML or API JSON). Records a
// problem with its field path instead of throwing; unknown fields are simply not read. Pure.

/** A field that has the wrong shape, with its path inside the resource (e.g. `spec.servers[0].port`). */
export interface FieldProblem {
  path: string
  message: string
}

/** Collects shape problems while converting plain values into typed ones. */
export class FieldReader {
  readonly problems: FieldProblem[] = []

  /** Records a problem at `path`. */
  fail(path: string, message: string): undefined {
    this.problems.push({ path, message })
    return undefined
  }

  /** A mapping (plain object), or undefined when absent or null. */
  obj(value: unknown, path: string): Record<string, unknown> | undefined {
    if (value === undefined || value === null) {
      return undefined
    }
    if (typeof value === 'object' && !Array.isArray(value)) {
      return value as Record<string, unknown>
    }
    return this.fail(path, `${path} must be a mapping, not ${describe(value)}.`)
  }

  str(value: unknown, path: string): string | undefined {
    if (value === undefined || value === null) {
      return undefined
    }
    if (typeof value === 'string') {
      return value
    }
    if (typeof value === 'number' || typeof value === 'boolean') {
      return String(value)
    }
    return this.fail(path, `${path} must be a string, not ${describe(value)}.`)
  }

  /** An integer; numeric strings are accepted as the protobuf JSON decoder does. */
  int(value: unknown, path: string): number | undefined {
    if (value === undefined || value === null) {
      return undefined
    }
    if (typeof value === 'number' && Number.isInteger(value)) {
      return value
    }
    if (typeof value === 'string' && /^-?\d+$/.test(value.trim())) {
      return Number(value.trim())
    }
    return this.fail(path, `${path} must be an integer, not ${describe(value)}.`)
  }

  bool(value: unknown, path: string): boolean | undefined {
    if (value === undefined || value === null) {
      return undefined
    }
    if (typeof value === 'boolean') {
      return value
    }
    if (value === 'true' || value === 'false') {
      return value === 'true'
    }
    return this.fail(path, `${path} must be true or false, not ${describe(value)}.`)
  }

  /** An integer, or a string (Kubernetes IntOrString, e.g. a Service targetPort). */
  intOrString(value: unknown, path: string): number | string | undefined {
    if (value === undefined || value === null) {
      return undefined
    }
    if (typeof value === 'number' && Number.isInteger(value)) {
      return value
    }
    if (typeof value === 'string') {
      return /^\d+$/.test(value) ? Number(value) : value
    }
    return this.fail(path, `${path} must be a number or a name, not ${describe(value)}.`)
  }

  /** A list whose items are converted by `each`; items that convert to undefined are dropped. */
  list<T>(value: unknown, path: string, each: (item: unknown, itemPath: string) => T | undefined): T[] | undefined {
    if (value === undefined || value === null) {
      return undefined
    }
    if (!Array.isArray(value)) {
      return this.fail(path, `${path} must be a list, not ${describe(value)}.`)
    }
    const out: T[] = []
    value.forEach((item: unknown, i) => {
      const converted = each(item, `${path}[${i}]`)
      if (converted !== undefined) {
        out.push(converted)
      }
    })
    return out
  }

  strList(value: unknown, path: string): string[] | undefined {
    return this.list(value, path, (item, p) => this.str(item, p))
  }

  /** A mapping whose values are converted by `each` (e.g. header name → StringMatch). */
  map<T>(
    value: unknown,
    path: string,
    each: (item: unknown, itemPath: string) => T | undefined,
  ): Record<string, T> | undefined {
    const o = this.obj(value, path)
    if (o === undefined) {
      return undefined
    }
    const out: Record<string, T> = {}
    for (const [k, v] of Object.entries(o)) {
      const converted = each(v, `${path}.${k}`)
      if (converted !== undefined) {
        // A key such as __proto__ (a header name) stays data, never the object's prototype.
        Object.defineProperty(out, k, { value: converted, writable: true, enumerable: true, configurable: true })
      }
    }
    return out
  }

  strMap(value: unknown, path: string): Record<string, string> | undefined {
    return this.map(value, path, (item, p) => this.str(item, p))
  }
}

function describe(value: unknown): string {
  if (Array.isArray(value)) {
    return 'a list'
  }
  if (value === null) {
    return 'null'
  }
  return typeof value === 'object' ? 'a mapping' : `${typeof value} ${JSON.stringify(value)}`
}
