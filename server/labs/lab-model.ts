// The loaded lab model the server, renderer and grader work with, and the issues the validator
// reports. Pure types plus tiny helpers; no I/O.
import type { PreparedCheck } from '../checks/check-params.ts'
import type { Requires, VariableSpec } from './lab-schema.ts'

/** One step of a lab, ready to render and grade. */
export interface Step {
  /** 0-based position in the lab. */
  index: number
  /** The file name without the NN- prefix and .md, e.g. `meet-the-terminal`. */
  slug: string
  /** Front matter title, else lab.yaml's step title, else the file's first `# heading`. */
  title: string
  /** Relative to the lab folder, e.g. `steps/01-meet-the-terminal.md`. */
  file: string
  /** The step's Markdown without its front matter. */
  markdown: string
  /** Checks from lab.yaml and the front matter, lab.yaml's first; params validated, defaults filled in. */
  checks: PreparedCheck[]
  /** `solution/NN-slug`, relative to the lab folder, when the lab ships a solution for this step. */
  solutionDir?: string
}

/** A validated lab. */
export interface Lab {
  id: string
  title: string
  summary: string
  duration: string
  requires: Requires
  /** Steps open only once every earlier step with checks passed (lab.yaml `gating`). */
  gating: boolean
  variables: Record<string, VariableSpec>
  /** Absolute path of the lab folder. */
  dir: string
  /** Baseline manifests, relative to the lab folder (`manifests/...`), in the order listed. */
  environment: string[]
  steps: Step[]
}

/** A problem found in a lab, pointing at the file and line to fix. */
export interface LabIssue {
  /** Relative to the labs folder, with forward slashes: `hello-kindlab/lab.yaml`. */
  file: string
  /** 1-based; 1 when the problem concerns the whole file or folder. */
  line: number
  /** 1-based, when known. */
  column?: number
  level: 'error' | 'warning'
  message: string
  hint?: string
}

/** What loading or validating a labs folder yields. */
export interface LabsResult {
  labs: Lab[]
  issues: LabIssue[]
}

/** Whether any issue is an error (warnings do not fail validation). */
export function hasErrors(issues: readonly LabIssue[]): boolean {
  return issues.some((issue) => issue.level === 'error')
}

/** Sorts issues by file, line and column, the order an author fixes them in. */
export function sortIssues(issues: readonly LabIssue[]): LabIssue[] {
  return [...issues].sort(
    (a, b) => a.file.localeCompare(b.file) || a.line - b.line || (a.column ?? 0) - (b.column ?? 0),
  )
}
