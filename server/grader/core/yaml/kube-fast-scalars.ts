// Scalars for the fast path (kube-fast.ts): plain values and keys resolved by the very same go-yaml
// v2 rules as the full reader (kube-scalars.ts), quoted scalars on one line, and the signal that
// sends a document to the full reader. Works on index ranges of the text with charCodeAt. Pure.
import { unescapeDoubleQuoted } from './kube-scalar-text.ts'
import { ScalarError, jsonValue, keyString, resolveScalar } from './kube-scalars.ts'

/** Thrown when the text leaves what the fast path reads exactly; the full reader takes over. */
export class FastPathBail extends Error {}

// One instance: giving up is common enough that a stack trace per throw would cost.
const BAIL = new FastPathBail('fast path gives up')

/** Gives up on the fast path. */
export function bail(): never {
  throw BAIL
}

const DQUOTE = 34
const SQUOTE = 39
const BACKSLASH = 92

/**
 * The JSON value of a plain scalar as kubectl sends it. Values kubectl refuses (NaN, infinities)
 * give up, so that the full reader reports them with its own message.
 */
export function plainValue(text: string): string | number | boolean | null {
  const v = jsonValue(resolveScalar('', text))
  if (typeof v === 'number' && !Number.isFinite(v)) {
    bail()
  }
  return v
}

/** A plain mapping key as sigs.k8s.io/yaml turns it into a JSON key; null, uint64 and `<<` give up. */
export function plainKey(text: string): string {
  if (text === '<<') {
    // A merge key (go-yaml's isMerge): the full reader merges.
    bail()
  }
  const resolved = resolveScalar('', text)
  const key = resolved.type === 'merge' ? undefined : keyString(resolved)
  return key ?? bail()
}

/** Index of the quote closing the quoted scalar that opens at `start`, on the same line; -1 if none. */
export function quotedEnd(s: string, start: number, eol: number): number {
  const q = s.charCodeAt(start)
  for (let i = start + 1; i < eol; i++) {
    const c = s.charCodeAt(i)
    if (c === BACKSLASH && q === DQUOTE) {
      i++
    } else if (c === q) {
      if (q === SQUOTE && i + 1 < eol && s.charCodeAt(i + 1) === SQUOTE) {
        i++
      } else {
        return i
      }
    }
  }
  return -1
}

/** The value of the quoted scalar between the quote at `start` and the closing quote at `close`. */
export function quotedValue(s: string, start: number, close: number): string {
  const body = s.slice(start + 1, close)
  if (body.includes('\n')) {
    // Folded over lines: go-yaml's folding rules are left to the full reader.
    bail()
  }
  if (s.charCodeAt(start) === SQUOTE) {
    return body.includes("'") ? body.replaceAll("''", "'") : body
  }
  if (!body.includes('\\')) {
    return body
  }
  try {
    return unescapeDoubleQuoted(body)
  } catch (err) {
    // An escape kubectl refuses: the full reader reports it.
    if (err instanceof ScalarError) {
      return bail()
    }
    throw err
  }
}
