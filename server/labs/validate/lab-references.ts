// Lab-wide reference checks: environment manifests exist and parse, solution/ folders name real
// steps, every step file is listed once and in order, and declared variables are used. Pure.
import { readKubeYaml } from '../../grader/core/yaml/kube-yaml.ts'
import type { YamlSource } from '../yaml-source.ts'
import type { LabContext } from './lab-context.ts'
import { addError, addWarning, labFile } from './lab-context.ts'
import { VARIABLE_NAME } from '../lab-schema.ts'
import { suggest } from '../schema-issues.ts'

/** Checks the environment manifests lab.yaml lists. */
export function checkEnvironment(ctx: LabContext, source: YamlSource, environment: unknown): void {
  if (!Array.isArray(environment)) {
    return
  }
  environment.forEach((entry: unknown, i) => {
    if (typeof entry !== 'string') {
      return
    }
    const text = ctx.folder.texts.get(entry)
    if (text === undefined) {
      const existing = [...ctx.folder.files].filter((f) => f.startsWith('manifests/'))
      const hint =
        suggest(entry, existing) ??
        (existing.length > 0
          ? `Manifests found: ${existing.join(', ')}.`
          : 'The manifests/ folder is empty or missing.')
      addError(
        ctx,
        labFile(ctx, 'lab.yaml'),
        source.locate(['environment', i]),
        `The manifest ${entry} does not exist.`,
        hint,
      )
      return
    }
    checkManifestSyntax(ctx, entry, text)
  })
}

/** An environment manifest is read as kubectl reads it: what kubectl refuses is an error here. */
function checkManifestSyntax(ctx: LabContext, entry: string, text: string): void {
  const read = readKubeYaml(text)
  if (read.error !== undefined) {
    addError(ctx, labFile(ctx, entry), { line: read.error.line, column: 1 }, `YAML syntax error: ${read.error.message}`)
  }
  for (const w of read.warnings) {
    addWarning(ctx, labFile(ctx, entry), { line: w.line, column: 1 }, `YAML: ${w.message}`)
  }
}

/** Every solution/<name> folder must be named after a listed step (NN-slug). */
export function checkSolutionFolders(ctx: LabContext, stepNames: readonly string[]): void {
  for (const dir of ctx.folder.dirs) {
    const match = /^solution\/([^/]+)$/.exec(dir)
    if (match?.[1] !== undefined && !stepNames.includes(match[1])) {
      addError(
        ctx,
        labFile(ctx, dir),
        { line: 1, column: 1 },
        `solution/${match[1]} does not match a step.`,
        suggest(match[1], stepNames) ?? 'Name each solution folder after its step file, e.g. solution/02-save-a-file.',
      )
    }
  }
}

/** Step files not listed in lab.yaml, listed twice, or listed out of order. */
export function checkStepListing(ctx: LabContext, source: YamlSource, listed: readonly unknown[]): void {
  const seen = new Map<string, number>()
  let previous = -1
  listed.forEach((file, i) => {
    if (typeof file !== 'string') {
      return
    }
    const at = source.locate(['steps', i, 'file'])
    const yamlFile = labFile(ctx, 'lab.yaml')
    const first = seen.get(file)
    if (first !== undefined) {
      addError(ctx, yamlFile, at, `${file} is listed twice (first as step ${first + 1}).`)
    }
    seen.set(file, i)
    const number = Number(/^steps\/(\d{2})-/.exec(file)?.[1] ?? Number.NaN)
    if (number <= previous) {
      addWarning(
        ctx,
        yamlFile,
        at,
        `${file} is listed after a step with a higher or equal number.`,
        'Number step files in the order they are listed.',
      )
    }
    previous = Number.isNaN(number) ? previous : number
  })
  for (const file of ctx.folder.texts.keys()) {
    if (/^steps\/[^/]+\.md$/.test(file) && !seen.has(file)) {
      addWarning(
        ctx,
        labFile(ctx, file),
        { line: 1, column: 1 },
        'This step file is not listed in lab.yaml, so learners never see it.',
        'Add it to steps: in lab.yaml, or delete it.',
      )
    }
  }
}

/** Declared variables that nothing references. */
export function checkUnusedVariables(ctx: LabContext, source: YamlSource): void {
  for (const name of ctx.variables.keys()) {
    if (!ctx.usedVariables.has(name) && new RegExp(VARIABLE_NAME).test(name)) {
      addWarning(
        ctx,
        labFile(ctx, 'lab.yaml'),
        source.locate(['variables', name], 'key'),
        `The variable ${name} is never used.`,
        `Reference it as \${${name}} in a step, or remove it.`,
      )
    }
  }
}
