// Splits a manifest file into documents the way kubectl does (k8s.io/apimachinery/pkg/util/yaml
// YAMLReader): line by line, a line starting with `---` ends a document, CRLF becomes LF.
// Pure: no I/O.

/** One document's text and the 1-based line of the file where it starts. */
export interface KubeChunk {
  text: string
  startLine: number
  /** 0-based document number as YAML counts it (every `---` after the first content starts one). */
  index: number
}

/** A `---` line followed by something other than spaces or a comment: kubectl refuses the file. */
export interface SplitFailure {
  line: number
  message: string
}

/** The documents of `text`, up to the first bad separator line (if any). */
export interface SplitResult {
  chunks: KubeChunk[]
  failure?: SplitFailure
}

/**
 * Splits `text` into documents. Like bufio.Reader.ReadLine, a `\r` before `\n` is dropped and
 * every line ends in `\n`; separator lines belong to no document; empty documents are dropped.
 * @example splitKubeDocuments('a: 1\n---\nb: 2\n').chunks.length // 2
 */
export function splitKubeDocuments(text: string): SplitResult {
  const lines = text.split('\n')
  // A file ending in '\n' has no last line after it.
  if (lines.at(-1) === '') {
    lines.pop()
  }
  const chunks: KubeChunk[] = []
  let buffer: string[] = []
  let startLine = 1
  let index = 0
  let started = false
  const flush = (): void => {
    if (buffer.length > 0) {
      chunks.push({ text: `${buffer.join('\n')}\n`, startLine, index })
      buffer = []
    }
  }
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i] ?? ''
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw
    if (line.startsWith('---')) {
      const rest = line.slice(3).trim()
      if (rest !== '' && !rest.startsWith('#')) {
        flush()
        return { chunks, failure: { line: i + 1, message: `invalid Yaml document separator: ${rest}` } }
      }
      flush()
      index += started ? 1 : 0
      started = true
      startLine = i + 2
      continue
    }
    if (!started && line.trim() !== '' && !line.trimStart().startsWith('#')) {
      started = true
    }
    if (buffer.length === 0) {
      startLine = i + 1
    }
    buffer.push(line)
  }
  flush()
  return { chunks }
}
