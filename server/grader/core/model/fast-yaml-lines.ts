// The line log of the fast YAML reader (fast-yaml.ts) and the lookup of a field path's line in it:
// where findings and VirtualService rules point in the learner's file. Pure.

/**
 * The lines of a text's block maps and sequences, in the order read. A container is logged as
 * itself and the index just past its entries; each entry as its key (maps only) and its line,
 * followed by the entries of its value when that is a block container too. Flow collections
 * (`{...}`, `[...]`) are not logged: their entries share the line of their container. Recording
 * costs a few array pushes; lineAt() skips over the entries it does not need.
 */
export type LineLog = ReadonlyArray<object | string | number>

export interface FastDocument {
  /** The document's value (undefined for an empty document). */
  value: unknown
  /** Line of the first content line, or of the `---` marker for an empty document. */
  line: number
  /** The lines of the text's block containers (shared by its documents), from index `from`. */
  log: LineLog
  from: number
}

/**
 * The line of the deepest existing node on `path` in a document, as recorded for block map keys
 * (the line the value starts on: the next line for a nested block) and block sequence items;
 * undefined when not even the first segment has a line.
 * @example lineAt(doc, ['spec', 'http', 0, 'match', 1])
 */
export function lineAt(doc: FastDocument, path: ReadonlyArray<string | number>): number | undefined {
  const log = doc.log
  let i = doc.from
  let node = doc.value
  let line: number | undefined
  for (const seg of path) {
    if (node === null || typeof node !== 'object' || log[i] !== node) {
      break
    }
    const end = log[i + 1] as number
    i += 2
    let child: unknown
    let found = false
    if (Array.isArray(node)) {
      const index = typeof seg === 'number' ? seg : /^(?:0|[1-9][0-9]*)$/.test(seg) ? Number(seg) : -1
      for (let e = 0; i < end; e++) {
        const entryLine = log[i++] as number
        child = (node as unknown[])[e]
        if (e === index) {
          line = entryLine
          found = true
          break
        }
        i = after(log, i, child)
      }
    } else {
      const name = String(seg)
      while (i < end) {
        const key = log[i] as string
        const entryLine = log[i + 1] as number
        i += 2
        child = (node as Record<string, unknown>)[key]
        if (key === name) {
          line = entryLine
          found = true
          break
        }
        i = after(log, i, child)
      }
    }
    if (!found) {
      break
    }
    node = child
  }
  return line
}

/** The index after the entries of `node` if it is the block container logged at `i`, else `i`. */
function after(log: LineLog, i: number, node: unknown): number {
  return node !== null && typeof node === 'object' && log[i] === node ? (log[i + 1] as number) : i
}
