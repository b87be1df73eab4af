// The field lines the fast path notes while it reads: appended to two arrays, made into the map
// lineAt() looks up only when a caller first asks (most documents are never asked). Pure.
import type { FieldLines } from './kube-decode.ts'

/** Paths (as childPath() builds them) and their lines, in reading order; a later entry wins. */
export class LineLog {
  private readonly paths: string[] = []
  private readonly lines: number[] = []
  private map: FieldLines | undefined

  set(path: string, line: number): void {
    this.paths.push(path)
    this.lines.push(line)
  }

  /** The lines by path, built once. */
  toMap(): FieldLines {
    if (this.map === undefined) {
      this.map = new Map()
      for (let i = 0; i < this.paths.length; i++) {
        this.map.set(this.paths[i] as string, this.lines[i] as number)
      }
    }
    return this.map
  }
}
