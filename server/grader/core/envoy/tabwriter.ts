// Lays out rows of cells the way Go's text/tabwriter does with a space pad character, so kindlab's
// tables match istioctl's byte for byte. Pure string layout; knows nothing about Envoy.

/** Options of Go's `tabwriter.Writer.Init(out, minwidth, tabwidth, padding, ' ', 0)`. */
export interface TabwriterOptions {
  /** Minimal cell width including padding. @default 0 */
  minWidth?: number
  /** Spaces added after the widest cell of a column. */
  padding: number
}

/**
 * Formats rows: every cell but the last of a row is a column cell (tab-terminated in Go); the last
 * one is printed as is. A column's width is set per block of consecutive rows that have that
 * column, as in Go. Each row ends with a newline.
 * @example formatTable([['NAME', 'VALUE'], ['a', '1']], { padding: 5 }) // "NAME     VALUE\na        1\n"
 */
export function formatTable(rows: readonly (readonly string[])[], options: TabwriterOptions): string {
  const out: string[] = []
  layout(rows, 0, rows.length, [], { minWidth: options.minWidth ?? 0, padding: options.padding }, out)
  return out.join('')
}

function layout(
  rows: readonly (readonly string[])[],
  from: number,
  to: number,
  widths: number[],
  opts: Required<TabwriterOptions>,
  out: string[],
): void {
  const column = widths.length
  let start = from
  let line = from
  while (line < to) {
    if (column >= cellCount(rows[line]) - 1) {
      line++
      continue
    }
    writeRows(rows, start, line, widths, out)
    const blockStart = line
    let width = opts.minWidth
    for (; line < to && column < cellCount(rows[line]) - 1; line++) {
      width = Math.max(width, textWidth(rows[line]?.[column] ?? '') + opts.padding)
    }
    layout(rows, blockStart, line, [...widths, width], opts, out)
    start = line
  }
  writeRows(rows, start, to, widths, out)
}

function writeRows(
  rows: readonly (readonly string[])[],
  from: number,
  to: number,
  widths: readonly number[],
  out: string[],
): void {
  for (let i = from; i < to; i++) {
    const cells = rows[i] ?? []
    const text = cells.map((cell, j) => {
      const width = widths[j]
      return width === undefined || j === cells.length - 1
        ? cell
        : cell + ' '.repeat(Math.max(0, width - textWidth(cell)))
    })
    out.push(`${text.join('')}\n`)
  }
}

function cellCount(row: readonly string[] | undefined): number {
  return row?.length ?? 0
}

/** Go's tabwriter counts UTF-8 runes, which is code points here. */
function textWidth(text: string): number {
  return [...text].length
}
