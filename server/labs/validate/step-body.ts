// Validates a step's Markdown body: action fences (known actions, safe file names, check ids the
// step declares), images from the lab's assets/, and `${NAME}` references. Pure: no I/O.
import markdownIt from 'markdown-it'
import type { Token } from 'markdown-it'
import { assetPath } from '../markdown/links-and-images.ts'
import { isSafeFileName, parseCheckIds, parseFenceInfo } from '../markdown/fence-info.ts'
import { substituteVariables } from '../variables.ts'
import type { LabContext } from './lab-context.ts'
import { addError, checkVariableRefs } from './lab-context.ts'

/** The body of one step and where it sits in its file. */
export interface StepBody {
  file: string
  body: string
  /** Lines before the body in the file (the front matter). */
  lineOffset: number
  /** Ids of the checks the step declares; undefined when the front matter could not be read. */
  checkIds: readonly string[] | undefined
}

const parser = markdownIt({ html: false })

/** Validates the body and returns its first `# heading`, if any. */
export function validateStepBody(ctx: LabContext, step: StepBody): string | undefined {
  const lines = step.body.split('\n')
  lines.forEach((text, i) => {
    checkVariableRefs(ctx, step.file, text, (index) => ({ line: i + 1 + step.lineOffset, column: index + 1 }))
  })
  const tokens = parser.parse(step.body, {})
  let heading: string | undefined
  tokens.forEach((token, i) => {
    const line = (token.map?.[0] ?? 0) + 1 + step.lineOffset
    if (token.type === 'fence') {
      checkFence(ctx, step, token, line)
    } else if (token.type === 'inline') {
      checkImages(ctx, step, token, line)
    } else if (token.type === 'heading_open' && token.tag === 'h1' && heading === undefined) {
      heading = tokens[i + 1]?.content.trim()
    }
  })
  return heading
}

function checkFence(ctx: LabContext, step: StepBody, token: Token, line: number): void {
  const fence = parseFenceInfo(token.info)
  const at = { line, column: 1 }
  if (fence.action === 'unknown') {
    addError(
      ctx,
      step.file,
      at,
      `Unknown action block \`\`\`${fence.name}.`,
      'Action blocks are ```terminal:run, ```copy, ```file:NAME and ```check.',
    )
  } else if (fence.action === 'file') {
    const defaults = Object.fromEntries(ctx.variables)
    if (!isSafeFileName(substituteVariables(fence.name, defaults))) {
      addError(
        ctx,
        step.file,
        at,
        `\`\`\`file:${fence.name} does not name a safe file.`,
        'Use a relative path of letters, digits, dots, dashes and underscores, such as gateway.yaml or k8s/app.yaml (no "..", no leading "/").',
      )
    }
  } else if (fence.action === 'check') {
    checkFenceIds(ctx, step, token, line)
  }
}

function checkFenceIds(ctx: LabContext, step: StepBody, token: Token, line: number): void {
  const declared = step.checkIds
  if (declared === undefined) {
    return
  }
  if (declared.length === 0) {
    addError(
      ctx,
      step.file,
      { line, column: 1 },
      'This ```check block is in a step that declares no checks.',
      'Declare checks in lab.yaml (steps[].checks) or in the step front matter (checks:).',
    )
    return
  }
  const bodyLines = token.content.split('\n')
  for (const id of parseCheckIds(token.content)) {
    if (!declared.includes(id)) {
      const offset = bodyLines.findIndex((text) => text.includes(id))
      addError(
        ctx,
        step.file,
        { line: line + 1 + Math.max(offset, 0), column: 1 },
        `The check block lists "${id}", which this step does not declare.`,
        `This step's checks: ${declared.join(', ')}.`,
      )
    }
  }
}

function checkImages(ctx: LabContext, step: StepBody, token: Token, line: number): void {
  for (const child of token.children ?? []) {
    if (child.type !== 'image') {
      continue
    }
    const src = String(child.attrGet('src') ?? '')
    const name = assetPath(src)
    if (name === undefined) {
      addError(
        ctx,
        step.file,
        { line, column: 1 },
        `The image "${src}" is not in the lab's assets/ folder.`,
        'Images must be files in assets/ (svg, png, jpg, gif, webp), written as ![what it shows](assets/picture.svg).',
      )
    } else if (!ctx.folder.files.has(`assets/${name}`)) {
      addError(
        ctx,
        step.file,
        { line, column: 1 },
        `The image assets/${name} does not exist.`,
        `Add the file to ${ctx.folder.name}/assets/ or fix the name.`,
      )
    }
  }
}
