// Splits a step file into its YAML front matter and its Markdown body, keeping line numbers so
// problems in either part can be reported at the right line of the file. Pure: no I/O.

/** A step file cut in two. */
export interface SplitStep {
  /** The YAML between the `---` lines; undefined when the file has no front matter. */
  frontMatter: string | undefined
  /** Lines before the YAML (the opening `---`): add to a line inside the YAML. */
  frontMatterLineOffset: number
  /** The Markdown after the closing `---`. */
  body: string
  /** Lines before the body: add to a 1-based line inside the body. */
  bodyLineOffset: number
  /** Set when a front matter is opened but never closed. */
  unclosed: boolean
}

const OPEN = /^---[ \t]*\r?$/
const CLOSE = /^(---|\.\.\.)[ \t]*\r?$/

/**
 * Splits `text` at a leading `---` ... `---` block.
 * @example splitFrontMatter('---\ntitle: Hi\n---\n# Body') // frontMatter 'title: Hi\n', body '# Body'
 */
export function splitFrontMatter(text: string): SplitStep {
  const source = text.startsWith('\uFEFF') ? text.slice(1) : text
  const lines = source.split('\n')
  const none: SplitStep = {
    frontMatter: undefined,
    frontMatterLineOffset: 0,
    body: source,
    bodyLineOffset: 0,
    unclosed: false,
  }
  if (!OPEN.test(lines[0] ?? '')) {
    return none
  }
  const close = lines.findIndex((line, i) => i > 0 && CLOSE.test(line))
  if (close === -1) {
    return { ...none, unclosed: true }
  }
  return {
    frontMatter: lines
      .slice(1, close)
      .map((line) => `${line}\n`)
      .join(''),
    frontMatterLineOffset: 1,
    body: lines.slice(close + 1).join('\n'),
    bodyLineOffset: close + 1,
    unclosed: false,
  }
}
