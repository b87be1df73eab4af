// Validates labs: lab.yaml and front matter against the schema (each problem at file:line), then
// references (step files, check kinds and params, check ids, variables, manifests, solutions).
import type { Lab, LabIssue, LabsResult, Step } from './lab-model.ts'
import { hasErrors, sortIssues } from './lab-model.ts'
import { KEBAB_CASE, LabYamlSchema } from './lab-schema.ts'
import type { CheckKinds, LabYaml } from './lab-schema.ts'
import { readLabFolders } from './read-lab-files.ts'
import type { LabFolder } from './read-lab-files.ts'
import { issuesOf } from './schema-issues.ts'
import { validateDocument } from '../validation/dialect.ts'
import { parseYamlSource } from './yaml-source.ts'
import type { YamlSource } from './yaml-source.ts'
import type { LabContext } from './validate/lab-context.ts'
import { addError, labFile } from './validate/lab-context.ts'
import {
  checkEnvironment,
  checkSolutionFolders,
  checkStepListing,
  checkUnusedVariables,
} from './validate/lab-references.ts'
import { checkSolutionsExist } from './validate/solutions-exist.ts'
import { validateStep } from './validate/validate-step.ts'

/** What the validator needs besides the files. */
export interface ValidateOptions {
  /** The known check kinds with their parameter schemas (server/checks/registry.ts). */
  checkKinds: CheckKinds
}

/** The outcome for one lab folder: the lab when it could be built, and every issue. */
export interface LabFolderResult {
  lab: Lab | undefined
  issues: LabIssue[]
}

/**
 * Reads and validates every lab under `dir`. `labs` holds the labs without errors; `issues` every
 * error and warning, sorted by file and line. Throws LAB_ERR_INPUT_FILE when `dir` cannot be read.
 */
export async function validateLabs(dir: string, options: ValidateOptions): Promise<LabsResult> {
  const folders = await readLabFolders(dir)
  const labs: Lab[] = []
  const issues: LabIssue[] = []
  for (const folder of folders) {
    const result = validateLabFolder(folder, options)
    issues.push(...result.issues)
    if (result.lab && !hasErrors(result.issues)) {
      labs.push(result.lab)
    }
  }
  return { labs, issues: sortIssues(issues) }
}

/** Validates one lab folder already read from disk. Pure. */
export function validateLabFolder(folder: LabFolder, options: ValidateOptions): LabFolderResult {
  const file = `${folder.name}/lab.yaml`
  const issues: LabIssue[] = []
  if (folder.labYaml === undefined) {
    issues.push({
      file: `${folder.name}/`,
      line: 1,
      level: 'error',
      message: 'This lab folder has no lab.yaml.',
      hint: 'Every folder in the labs folder is a lab; see labs/README.md.',
    })
    return { lab: undefined, issues }
  }
  const source = parseYamlSource(folder.labYaml, file)
  if (source.issues.length > 0) {
    return { lab: undefined, issues: source.issues }
  }
  const checked = validateDocument(LabYamlSchema, source.value)
  const schemaProblems = checked.ok ? [] : issuesOf(checked.errors, source, file)
  issues.push(...schemaProblems)
  const raw = source.value
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return { lab: undefined, issues }
  }
  const ctx = createContext(folder, options, raw as Record<string, unknown>, issues)
  const steps = validateReferences(ctx, source, raw as Record<string, unknown>)
  const built = steps.filter((step): step is Step => step !== undefined)
  const complete = checked.ok && built.length === steps.length
  return { lab: complete ? buildLab(folder, checked.value, built) : undefined, issues }
}

function createContext(
  folder: LabFolder,
  options: ValidateOptions,
  raw: Record<string, unknown>,
  issues: LabIssue[],
): LabContext {
  const variables = new Map<string, string>()
  const declared = raw['variables']
  if (declared !== null && typeof declared === 'object') {
    for (const [name, spec] of Object.entries(declared as Record<string, unknown>)) {
      const value = spec !== null && typeof spec === 'object' ? (spec as Record<string, unknown>)['default'] : undefined
      variables.set(name, typeof value === 'string' ? value : '')
    }
  }
  return { folder, checkKinds: options.checkKinds, variables, usedVariables: new Set(), checkIds: new Map(), issues }
}

function validateReferences(ctx: LabContext, source: YamlSource, raw: Record<string, unknown>): (Step | undefined)[] {
  const { folder } = ctx
  if (!new RegExp(KEBAB_CASE).test(folder.name)) {
    addError(
      ctx,
      `${folder.name}/`,
      { line: 1, column: 1 },
      `The lab folder name "${folder.name}" is not kebab-case.`,
      'Rename the folder, e.g. my-first-lab, and use the same id in lab.yaml.',
    )
  }
  if (typeof raw['id'] === 'string' && raw['id'] !== folder.name) {
    addError(
      ctx,
      labFile(ctx, 'lab.yaml'),
      source.locate(['id']),
      `The lab id "${raw['id']}" differs from its folder name "${folder.name}".`,
      'Rename the folder or change the id so they match.',
    )
  }
  const entries = Array.isArray(raw['steps']) ? (raw['steps'] as unknown[]) : []
  const steps = entries.map((entry, index) =>
    entry !== null && typeof entry === 'object' && !Array.isArray(entry)
      ? validateStep(ctx, { entry: entry as Record<string, unknown>, index, source })
      : undefined,
  )
  const files = entries.map((entry) =>
    entry !== null && typeof entry === 'object' ? (entry as Record<string, unknown>)['file'] : undefined,
  )
  checkStepListing(ctx, source, files)
  checkEnvironment(ctx, source, raw['environment'])
  const stepNames = files
    .filter((f): f is string => typeof f === 'string')
    .map((f) => f.slice('steps/'.length, -'.md'.length))
  checkSolutionFolders(ctx, stepNames)
  checkUnusedVariables(ctx, source)
  checkSolutionsExist(ctx, source, steps)
  return steps
}

/** Builds the lab once lab.yaml matched the schema: its fields have their declared types and defaults. */
function buildLab(folder: LabFolder, yaml: LabYaml, steps: Step[]): Lab {
  return {
    id: yaml.id,
    title: yaml.title,
    summary: yaml.summary,
    duration: yaml.duration,
    requires: yaml.requires,
    gating: yaml.gating,
    variables: yaml.variables,
    dir: folder.dir,
    environment: yaml.environment,
    steps,
  }
}
