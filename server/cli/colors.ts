// Colours for the CLI: only on a terminal (stdout is a TTY), never in pipes, files or CI logs,
// unless FORCE_COLOR asks for them; NO_COLOR always wins. picocolors alone colours whenever CI is set.
import { createColors } from 'picocolors'

function colorsWanted(): boolean {
  const env = process.env
  if (env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== '') {
    return false
  }
  if (env['FORCE_COLOR'] !== undefined && env['FORCE_COLOR'] !== '0') {
    return true
  }
  return process.stdout.isTTY === true && env['TERM'] !== 'dumb'
}

export const pc = createColors(colorsWanted())

/** cli-table3's style option: its default colours (red heads, grey borders) only when we colour. */
export function tableStyle(head: string[] = []): { head: string[]; border: string[] } {
  return pc.isColorSupported ? { head, border: ['grey'] } : { head: [], border: [] }
}
