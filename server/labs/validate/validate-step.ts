// Validates one step: the file lab.yaml lists exists, its front matter, its checks (lab.yaml's and
// the front matter's, merged) and its body; builds the Step. Pure: no I/O.
import type { Step } from '../lab-model.ts'
import { StepFrontMatterSchema } from '../lab-schema.ts'
import { splitFrontMatter } from '../front-matter.ts'
import type { SplitStep } from '../front-matter.ts'
import { schemaIssues, suggest } from '../schema-issues.ts'
import { parseYamlSource } from '../yaml-source.ts'
import type { YamlSource } from '../yaml-source.ts'
import { validateCheckList } from './check-specs.ts'
import type { LabContext } from './lab-context.ts'
import { addError, labFile } from './lab-context.ts'
import { validateStepBody } from './step-body.ts'

/** A lab.yaml step entry and where it is. */
export interface StepEntryAt {
  entry: Record<string, unknown>
  index: number
  /** lab.yaml, parsed. */
  source: YamlSource
}

/** Validates the step and returns it, or undefined when its file is missing or unreadable. */
export function validateStep(ctx: LabContext, at: StepEntryAt): Step | undefined {
  const { entry, index, source } = at
  const relative = entry['file']
  const split = typeof relative === 'string' ? readStepFile(ctx, at, relative) : undefined
  if (typeof relative !== 'string' || !split) {
    return undefined
  }
  const file = labFile(ctx, relative)
  const issuesBefore = ctx.issues.length
  const front = readFrontMatter(ctx, file, split.frontMatter, split.frontMatterLineOffset)
  const frontMatterBroken = ctx.issues.length > issuesBefore
  const yamlFile = labFile(ctx, 'lab.yaml')
  const checks = [
    ...validateCheckList(ctx, { file: yamlFile, source, path: ['steps', index, 'checks'], items: entry['checks'] }),
    ...(front
      ? validateCheckList(ctx, { file, source: front.source, path: ['checks'], items: front.value['checks'] })
      : []),
  ]
  const checkIds = frontMatterBroken ? undefined : checks.map((c) => c.id)
  const heading = validateStepBody(ctx, { file, body: split.body, lineOffset: split.bodyLineOffset, checkIds })
  const name = relative.slice('steps/'.length, -'.md'.length)
  const slug = name.replace(/^\d{2}-/, '')
  const title = stringField(front?.value, 'title') ?? stringField(entry, 'title') ?? heading ?? humanize(slug)
  const solution = `solution/${name}`
  return {
    index,
    slug,
    title,
    file: relative,
    markdown: split.body,
    checks,
    ...(ctx.folder.dirs.has(solution) ? { solutionDir: solution } : {}),
  }
}

/** The step file split into front matter and body; undefined (with an issue) when it cannot be read. */
function readStepFile(ctx: LabContext, at: StepEntryAt, relative: string): SplitStep | undefined {
  const text = ctx.folder.texts.get(relative)
  if (text === undefined) {
    const existing = [...ctx.folder.texts.keys()].filter((f) => f.startsWith('steps/'))
    const hint =
      suggest(relative, existing) ??
      (existing.length > 0 ? `Step files found: ${existing.join(', ')}.` : 'The steps/ folder has no Markdown files.')
    const where = at.source.locate(['steps', at.index, 'file'])
    addError(ctx, labFile(ctx, 'lab.yaml'), where, `The step file ${relative} does not exist.`, hint)
    return undefined
  }
  const split = splitFrontMatter(text)
  if (split.unclosed) {
    const message = 'The front matter starts with --- but is never closed.'
    addError(
      ctx,
      labFile(ctx, relative),
      { line: 1, column: 1 },
      message,
      'End the front matter with a line holding only ---.',
    )
    return undefined
  }
  return split
}

function readFrontMatter(
  ctx: LabContext,
  file: string,
  text: string | undefined,
  lineOffset: number,
): { source: YamlSource; value: Record<string, unknown> } | undefined {
  if (text === undefined) {
    return undefined
  }
  const source = parseYamlSource(text, file, lineOffset)
  ctx.issues.push(...source.issues)
  if (source.issues.length > 0 || source.value === null || source.value === undefined) {
    return undefined
  }
  ctx.issues.push(...schemaIssues(StepFrontMatterSchema, source.value, source, file, { rootLabel: 'The front matter' }))
  const value = source.value
  return typeof value === 'object' && !Array.isArray(value)
    ? { source, value: value as Record<string, unknown> }
    : undefined
}

function stringField(record: Record<string, unknown> | undefined, key: string): string | undefined {
  const value = record?.[key]
  return typeof value === 'string' && value.trim() !== '' ? value : undefined
}

/** `meet-the-terminal` → `Meet the terminal`. */
function humanize(slug: string): string {
  const words = slug.replace(/-/g, ' ')
  return words.charAt(0).toUpperCase() + words.slice(1)
}
