// Scalars and flow collections for the fast YAML reader: plain scalars resolved as the YAML 1.2
// core schema does, quoted scalars with escapes, `[...]` / `{...}` collections, and the Bail
// signal that makes the reader give up. Pure.

/** Thrown to give up on the fast path (the caller falls back to the `yaml` package). */
export class Bail extends Error {}

/** Gives up. */
export const bail = (): never => {
  throw new Bail()
}

export function inlineValue(s: string): unknown {
  const c = s[0]
  if (c === '"' || c === "'") {
    if (quotedEnd(s, 0) !== s.length - 1) {
      bail()
    }
    return quoted(s)
  }
  if (c === '[' || c === '{') {
    const fp = new FlowParser(s)
    const v = fp.value()
    fp.skipSpace()
    if (fp.pos !== s.length) {
      bail()
    }
    return v
  }
  if (/^[&*!|>%@`?,\]}#]/.test(s) || (c === '-' && s[1] === ' ') || (c === ':' && (s.length === 1 || s[1] === ' '))) {
    bail()
  }
  if (s.includes(': ') || s.endsWith(':') || s.includes(' #')) {
    bail()
  }
  return plainScalar(s)
}

/** Index of the closing quote of the quoted scalar starting at `start`, or -1. */
export function quotedEnd(s: string, start: number): number {
  const q = s[start]
  for (let i = start + 1; i < s.length; i++) {
    if (q === '"' && s[i] === '\\') {
      i++
    } else if (s[i] === q) {
      if (q === "'" && s[i + 1] === "'") {
        i++
      } else {
        return i
      }
    }
  }
  return -1
}

const escapes: Record<string, string> = {
  '0': '\0',
  a: '\x07',
  b: '\b',
  t: '\t',
  n: '\n',
  v: '\v',
  f: '\f',
  r: '\r',
  e: '\x1b',
  ' ': ' ',
  '"': '"',
  '/': '/',
  '\\': '\\',
  N: '\x85',
  _: '\xa0',
}

/** The value of a complete quoted scalar (with its quotes). */
export function quoted(s: string): string {
  const body = s.slice(1, -1)
  if (s[0] === "'") {
    return body.replace(/''/g, "'")
  }
  if (!body.includes('\\')) {
    return body
  }
  return body.replace(/\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|.)/g, (_m, e: string) => {
    if (e.length > 1) {
      return String.fromCodePoint(parseInt(e.slice(1), 16))
    }
    return escapes[e] ?? bail()
  })
}

/** YAML 1.2 core schema resolution of a plain scalar. */
export function plainScalar(s: string): unknown {
  const c = s.charCodeAt(0)
  // Letters other than those starting null/true/false (n N t T f F) are always strings.
  if (((c >= 97 && c <= 122) || (c >= 65 && c <= 90)) && !'nNtTfF'.includes(s[0]!)) {
    return s
  }
  if (s === '' || s === '~' || s === 'null' || s === 'Null' || s === 'NULL') {
    return null
  }
  if (s === 'true' || s === 'True' || s === 'TRUE') {
    return true
  }
  if (s === 'false' || s === 'False' || s === 'FALSE') {
    return false
  }
  if (/^[-+]?[0-9]+$/.test(s)) {
    return Number(s)
  }
  if (/^0o[0-7]+$/.test(s)) {
    return parseInt(s.slice(2), 8)
  }
  if (/^0x[0-9a-fA-F]+$/.test(s)) {
    return parseInt(s.slice(2), 16)
  }
  if (/^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/.test(s)) {
    return parseFloat(s)
  }
  if (/^[-+]?\.(?:inf|Inf|INF)$/.test(s)) {
    return s[0] === '-' ? -Infinity : Infinity
  }
  if (/^\.(?:nan|NaN|NAN)$/.test(s)) {
    return NaN
  }
  return s
}

/** True when brackets outside quotes close. */
export function balanced(s: string): boolean {
  let depth = 0
  for (let i = 0; i < s.length; i++) {
    const c = s[i]
    if (c === '"' || c === "'") {
      const end = quotedEnd(s, i)
      if (end < 0) {
        return false
      }
      i = end
    } else if (c === '[' || c === '{') {
      depth++
    } else if (c === ']' || c === '}') {
      depth--
    }
  }
  return depth <= 0
}

/** Flow collections: `[a, "b", {c: 1}]`, `{a: 1, b: [x]}`. */
export class FlowParser {
  pos = 0
  constructor(private readonly s: string) {}

  skipSpace(): void {
    while (this.s[this.pos] === ' ') {
      this.pos++
    }
  }

  value(): unknown {
    this.skipSpace()
    const c = this.s[this.pos]
    if (c === '[') {
      return this.list()
    }
    if (c === '{') {
      return this.object()
    }
    if (c === '"' || c === "'") {
      const end = quotedEnd(this.s, this.pos)
      if (end < 0) {
        bail()
      }
      const v = quoted(this.s.slice(this.pos, end + 1))
      this.pos = end + 1
      return v
    }
    return this.plain()
  }

  private plain(): unknown {
    const start = this.pos
    while (this.pos < this.s.length) {
      const c = this.s[this.pos]
      if (c === ',' || c === ']' || c === '}' || c === '[' || c === '{') {
        break
      }
      if (
        c === ':' &&
        (this.s[this.pos + 1] === ' ' ||
          this.s[this.pos + 1] === ',' ||
          this.s[this.pos + 1] === '}' ||
          this.s[this.pos + 1] === ']')
      ) {
        break
      }
      this.pos++
    }
    const text = this.s.slice(start, this.pos).trim()
    if (/^[&*!|>%@`?#-]( |$)/.test(text) || /^[&*!|>%@`]/.test(text) || text.includes(' #')) {
      bail()
    }
    return plainScalar(text)
  }

  private list(): unknown[] {
    this.pos++
    const out: unknown[] = []
    for (;;) {
      this.skipSpace()
      if (this.s[this.pos] === ']') {
        this.pos++
        return out
      }
      out.push(this.value())
      this.skipSpace()
      if (this.s[this.pos] === ':') {
        bail()
      }
      if (this.s[this.pos] === ',') {
        this.pos++
      } else if (this.s[this.pos] !== ']') {
        bail()
      }
    }
  }

  private object(): Record<string, unknown> {
    this.pos++
    const out: Record<string, unknown> = {}
    for (;;) {
      this.skipSpace()
      if (this.s[this.pos] === '}') {
        this.pos++
        return out
      }
      const quotedKey = this.s[this.pos] === '"' || this.s[this.pos] === "'"
      const key = this.value()
      if (typeof key !== 'string' || (key === '' && !quotedKey)) {
        bail()
      }
      const k = key as string
      this.skipSpace()
      let value: unknown = null
      if (this.s[this.pos] === ':') {
        this.pos++
        this.skipSpace()
        value = this.s[this.pos] === ',' || this.s[this.pos] === '}' ? null : this.value()
      }
      if (Object.prototype.hasOwnProperty.call(out, k) || k === '__proto__') {
        bail()
      }
      out[k] = value
      this.skipSpace()
      if (this.s[this.pos] === ',') {
        this.pos++
      } else if (this.s[this.pos] !== '}') {
        bail()
      }
    }
  }
}
