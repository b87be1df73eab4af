// kubectl reads a file whose first non-space character is `{` as a stream of JSON values, and
// falls back to YAML after at most one JSON value (apimachinery's YAMLOrJSONDecoder). Pure: no I/O.

/** JSON values read from the start of the file, and where YAML reading must take over. */
export interface JsonPrefix {
  values: Array<{ value: unknown; offset: number }>
  /** Offset where the YAML reader continues; undefined when the whole file was JSON. */
  yamlFrom?: number
  /** kubectl stops here: more than one JSON value, then something that is not JSON. */
  error?: { offset: number; message: string }
}

/** Undefined when kubectl would not try JSON at all. */
export function readJsonPrefix(text: string): JsonPrefix | undefined {
  if (!text.slice(0, 4096).trimStart().startsWith('{')) {
    return undefined
  }
  const values: JsonPrefix['values'] = []
  let pos = skipSpace(text, 0)
  let lastEnd = 0
  while (pos < text.length) {
    const end = valueEnd(text, pos)
    const value = end === undefined ? undefined : tryParse(text.slice(pos, end))
    if (end === undefined || value === undefined) {
      if (values.length > 1) {
        return { values, error: { offset: pos, message: 'invalid JSON in a stream of JSON objects' } }
      }
      // Back to YAML: from the start, or after the one JSON value and the rest of its line.
      return { values, yamlFrom: values.length === 0 ? 0 : afterLine(text, lastEnd) }
    }
    values.push({ value: value.v, offset: pos })
    lastEnd = end
    pos = skipSpace(text, end)
  }
  return { values }
}

function tryParse(s: string): { v: unknown } | undefined {
  try {
    return { v: JSON.parse(s) as unknown }
  } catch {
    return undefined
  }
}

function skipSpace(text: string, from: number): number {
  let i = from
  while (i < text.length && /\s/.test(text.charAt(i))) {
    i++
  }
  return i
}

/** After whitespace up to and including the first newline (YAMLOrJSONDecoder.consumeWhitespace). */
function afterLine(text: string, from: number): number {
  let i = from
  while (i < text.length && /\s/.test(text.charAt(i))) {
    i++
    if (text.charAt(i - 1) === '\n') {
      return i
    }
  }
  return i
}

/** End offset of the JSON value starting at `start` (brackets balanced outside strings). */
function valueEnd(text: string, start: number): number | undefined {
  const open = text.charAt(start)
  if (open !== '{' && open !== '[') {
    const m = /^("(?:[^"\\]|\\.)*"|[^\s{}[\],]+)/.exec(text.slice(start))
    return m === null ? undefined : start + m[0].length
  }
  let depth = 0
  let inString = false
  for (let i = start; i < text.length; i++) {
    const c = text.charAt(i)
    if (inString) {
      if (c === '\\') {
        i++
      } else if (c === '"') {
        inString = false
      }
    } else if (c === '"') {
      inString = true
    } else if (c === '{' || c === '[') {
      depth++
    } else if (c === '}' || c === ']') {
      depth--
      if (depth === 0) {
        return i + 1
      }
    }
  }
  return undefined
}
