// What the validators of one lab share while they run: the folder, the known check kinds, the
// declared variables, the check ids seen so far and the issues found. Pure: no I/O.
import type { LabIssue } from '../lab-model.ts'
import type { CheckKinds } from '../lab-schema.ts'
import type { LabFolder } from '../read-lab-files.ts'
import { suggest } from '../schema-issues.ts'
import { findVariableRefs } from '../variables.ts'
import type { Position } from '../yaml-source.ts'

/** Shared state of one lab's validation. */
export interface LabContext {
  folder: LabFolder
  checkKinds: CheckKinds
  /** Declared variables: name → default value. */
  variables: ReadonlyMap<string, string>
  /** Variables referenced anywhere, to warn about unused ones. */
  usedVariables: Set<string>
  /** Check ids declared so far, with where, to report duplicates. */
  checkIds: Map<string, { file: string; line: number }>
  issues: LabIssue[]
}

/** The issue path of a file inside the lab: `<lab folder>/<relative path>`. */
export function labFile(ctx: LabContext, relative: string): string {
  return `${ctx.folder.name}/${relative}`
}

/** Adds an error at a position. */
export function addError(ctx: LabContext, file: string, at: Position, message: string, hint?: string): void {
  ctx.issues.push({ file, line: at.line, column: at.column, level: 'error', message, ...(hint ? { hint } : {}) })
}

/** Adds a warning at a position. */
export function addWarning(ctx: LabContext, file: string, at: Position, message: string, hint?: string): void {
  ctx.issues.push({ file, line: at.line, column: at.column, level: 'warning', message, ...(hint ? { hint } : {}) })
}

/**
 * Reports every `${NAME}` in `text` that is not a declared variable and records the used ones.
 * `at(index)` turns an offset in `text` into a file position.
 */
export function checkVariableRefs(ctx: LabContext, file: string, text: string, at: (index: number) => Position): void {
  for (const ref of findVariableRefs(text)) {
    ctx.usedVariables.add(ref.name)
    if (!ctx.variables.has(ref.name)) {
      const close = suggest(ref.name, [...ctx.variables.keys()])
      const declare = `Declare it under variables: in lab.yaml, or write $\${${ref.name}} for a literal \${${ref.name}}.`
      addError(
        ctx,
        file,
        at(ref.index),
        `\${${ref.name}} is not a declared variable.`,
        close ? `${close} ${declare}` : declare,
      )
    }
  }
}
