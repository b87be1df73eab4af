// Renders a step's Markdown to the HTML the web app shows: raw HTML off, variables substituted as
// plain text, action fences as data-attributed blocks, images only from the lab's assets. No I/O.
import markdownIt from 'markdown-it'
import type { MarkdownIt } from 'markdown-it'
import type { Lab, Step } from './lab-model.ts'
import { actionFencePlugin, renderCheck } from './markdown/action-fence.ts'
import type { StepRenderEnv } from './markdown/action-fence.ts'
import { linksAndImagesPlugin } from './markdown/links-and-images.ts'
import { variablesPlugin } from './markdown/variables-rule.ts'
import { resolveVariables } from './variables.ts'

/** A rendered step. */
export interface RenderedStep {
  /** Safe HTML: nothing from the lab or the session is left unescaped. */
  html: string
  /** The check ids the step's Check blocks show, in order of appearance. */
  checkIds: string[]
}

/** The one Markdown configuration for steps, shared by the renderer and the validator. */
export function createStepMarkdown(): MarkdownIt {
  const md = markdownIt({ html: false, linkify: true, typographer: false })
  // Only URLs with a scheme become links: file names such as setup.sh or notes.md look like domains.
  md.linkify.set({ fuzzyLink: false })
  // Bare URLs are linked after variables are substituted (the core rule), so
  // http://shop.${TRAINEE_DOMAIN} links to the learner's own host; the inline rule would run too early.
  md.inline.ruler.disable('linkify')
  return md.use(variablesPlugin).use(actionFencePlugin).use(linksAndImagesPlugin)
}

const md = createStepMarkdown()

/**
 * Renders one step. `vars` are the session's variable values; declared variables without a value
 * take their default. When the step declares checks but has no ```check block, one listing all
 * of them is added at the end, so every step with checks has a Check button.
 * @example renderStep(lab, lab.steps[0], { TRAINEE_DOMAIN: 'trainee7.example.com' })
 */
export function renderStep(lab: Lab, step: Step, vars: Readonly<Record<string, string>> = {}): RenderedStep {
  const env: StepRenderEnv = {
    labId: lab.id,
    values: resolveVariables(lab.variables, vars),
    stepCheckIds: step.checks.map((check) => check.id),
    shownCheckIds: [],
  }
  let html = md.render(step.markdown, env)
  if (env.shownCheckIds.length === 0 && env.stepCheckIds.length > 0) {
    html += renderCheck([], env, md.utils.escapeHtml)
  }
  return { html, checkIds: env.shownCheckIds }
}
