// Flow collections for the fast YAML reader (`[a, "b", {c: 1}]`, `{a: 1, b: [x]}`) and the
// duplicate-key check its block and flow maps share. Works on index ranges of the source text with
// charCodeAt; gives up (Bail) on anything the `yaml` package might read differently. Pure.
import { bail, badPlainStart, plainScalar, quoted, quotedEnd } from './fast-yaml-scalars.ts'

const SPACE = 32
const NEWLINE = 10
const DQUOTE = 34
const SQUOTE = 39
const HASH = 35
const COMMA = 44
const COLON = 58
const LBRACKET = 91
const RBRACKET = 93
const LBRACE = 123
const RBRACE = 125
/**
 * The keys of the maps being read, innermost map last. A map remembers where its keys start and
 * checks a new key against its own few keys by comparison, which is cheaper than a property lookup
 * on every insert; a large map falls back to the lookup.
 */
export class OpenKeys {
  // Starts with a string so its elements kind never changes (a change deoptimizes the readers).
  private readonly keys: string[] = ['']
  top = 0

  /** Records `key` for the map `obj` whose keys start at `base`; gives up on a duplicate. */
  add(obj: object, base: number, key: string): void {
    const top = this.top
    if (top - base < 16) {
      for (let i = base; i < top; i++) {
        if (this.keys[i] === key) {
          bail()
        }
      }
    } else if (Object.prototype.hasOwnProperty.call(obj, key)) {
      bail()
    }
    if (key === '__proto__') {
      bail()
    }
    this.keys[top] = key
    this.top = top + 1
  }
}

/**
 * Flow collections: `[a, "b", {c: 1}]`, `{a: 1, b: [x]}`, read from `s[start, end)`. A collection
 * spread over several lines is read from its lines joined with `\n`, which counts as a space
 * between entries; a scalar that contains one gives up. Nested collections are kept on an
 * explicit stack, so one loop reads the whole collection.
 */
export class FlowParser {
  private pos = 0
  /** Whether a plain scalar contained a quote character (the caller then rechecks the brackets). */
  sawQuote = false
  /**
   * The enclosing collections while a nested one is read: the map (null for a list), its pending
   * key, and where its keys start on the OpenKeys stack (for a list: its items on `items`).
   */
  // Arrays created with an element of their final kind: see OpenKeys.keys.
  private readonly open: Array<Record<string, unknown> | null> = [null]
  private readonly openKeys: string[] = ['']
  private readonly openBases: number[] = [0]
  /** The items of the open lists, innermost last: a list is made at its end, at its exact size. */
  private readonly items: unknown[] = [null]

  constructor(private readonly keys: OpenKeys) {}

  /** The collection that fills `s[start, end)` exactly (`s[start]` is `[` or `{`). */
  parse(s: string, start: number, end: number): unknown {
    const keys = this.keys
    const items = this.items
    this.sawQuote = false
    let depth = 0
    let pos = start
    let top = 0 // of items
    let list = s.charCodeAt(pos) === LBRACKET
    let cur: Record<string, unknown> | null = list ? null : {}
    let base = list ? top : keys.top
    let key = ''
    // In a map: whether the scalar to read next is a value (after `key:`) rather than a key.
    let isValue = false
    pos++
    for (;;) {
      pos = skipBlank(s, pos, end)
      let c = pos < end ? s.charCodeAt(pos) : -1
      let v: unknown = null
      if (c === (list ? RBRACKET : RBRACE) && !isValue) {
        // The collection closes.
        pos++
        if (list) {
          v = items.slice(base, top)
          top = base
        } else {
          keys.top = base
          v = cur
        }
        if (depth === 0) {
          while (pos < end && (s.charCodeAt(pos) === SPACE || s.charCodeAt(pos) === NEWLINE)) {
            pos++
          }
          if (pos !== end) {
            bail()
          }
          return v
        }
        depth--
        cur = this.open[depth]!
        key = this.openKeys[depth]!
        base = this.openBases[depth]!
        list = cur === null
      } else {
        const isKey = !list && !isValue
        if (c === LBRACKET || c === LBRACE) {
          if (isKey) {
            bail()
          }
          // A nested collection opens.
          this.open[depth] = cur
          this.openKeys[depth] = key
          this.openBases[depth] = base
          depth++
          list = c === LBRACKET
          cur = list ? null : {}
          base = list ? top : keys.top
          isValue = false
          pos++
          continue
        }
        if (c === DQUOTE || c === SQUOTE) {
          const close = quotedEnd(s, pos, end)
          if (close < 0) {
            bail()
          }
          v = quoted(s, pos, close)
          pos = close + 1
        } else {
          v = this.plain(s, pos, end)
          pos = this.pos
        }
        if (isKey) {
          // A key, then `:` and a value, or just the key (null).
          if (typeof v !== 'string') {
            bail()
          }
          key = v as string
          v = null
          pos = skipBlank(s, pos, end)
          c = pos < end ? s.charCodeAt(pos) : -1
          if (c === COLON) {
            pos = skipBlank(s, pos + 1, end)
            c = pos < end ? s.charCodeAt(pos) : -1
            if (c !== COMMA && c !== RBRACE) {
              isValue = true
              continue
            }
          }
        }
      }
      // A complete entry: add it, then expect `,` or the end of the collection.
      isValue = false
      if (cur === null) {
        items[top++] = v
      } else {
        keys.add(cur, base, key)
        cur[key] = v
      }
      pos = skipBlank(s, pos, end)
      const c2 = pos < end ? s.charCodeAt(pos) : -1
      if (c2 === COMMA) {
        pos++
      } else if (c2 !== (list ? RBRACKET : RBRACE)) {
        bail()
      }
    }
  }

  /** The plain scalar starting at `start` (not a space); sets this.pos to where it ends. */
  private plain(s: string, start: number, end: number): unknown {
    let i = start
    let last = start // just after the last character that is not a space
    let newline = false
    for (; i < end; i++) {
      const c = s.charCodeAt(i)
      if ((c >= 97 && c <= 122) || (c >= 45 && c <= 57) || (c >= 65 && c <= 90)) {
        // Letters, digits, - . /: the usual content.
      } else if (c === COMMA || c === RBRACKET || c === RBRACE || c === LBRACKET || c === LBRACE) {
        break
      } else if (c === SPACE) {
        continue
      } else if (c === NEWLINE) {
        newline = true
        continue
      } else if (c === COLON) {
        const d = i + 1 < end ? s.charCodeAt(i + 1) : -1
        if (d === SPACE || d === NEWLINE || d === COMMA || d === RBRACE || d === RBRACKET) {
          break
        }
      } else if (c === HASH) {
        if (i > start && s.charCodeAt(i - 1) === SPACE) {
          bail()
        }
      } else if (c === DQUOTE || c === SQUOTE) {
        this.sawQuote = true
      }
      if (newline) {
        // A plain scalar folded over lines: not worth reproducing.
        bail()
      }
      last = i + 1
    }
    this.pos = i
    // Empty entries (`[a, , b]`) are errors for `yaml`.
    if (last === start) {
      bail()
    }
    const c = s.charCodeAt(start)
    if (c >= 97 && c <= 122 && c !== 110 && c !== 116 && c !== 102) {
      // A lowercase word other than n..., t..., f... (null, true, false): a string, the usual case.
      return s.slice(start, last)
    }
    if (badPlainStart(c) || c === HASH) {
      bail()
    }
    // `?` and `-` alone or followed by a space are indicators.
    if ((c === 63 || c === 45) && (last - start === 1 || s.charCodeAt(start + 1) === SPACE)) {
      bail()
    }
    return plainScalar(s.slice(start, last))
  }
}

/** The first position at or after `pos` that holds neither a space nor a newline, or `end`. */
function skipBlank(s: string, pos: number, end: number): number {
  while (pos < end) {
    const c = s.charCodeAt(pos)
    if (c !== SPACE && c !== NEWLINE) {
      return pos
    }
    pos++
  }
  return end
}
