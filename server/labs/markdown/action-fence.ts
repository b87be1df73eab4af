// markdown-it plugin: turns ```terminal:run, ```copy, ```file:NAME and ```check blocks into the
// data-attributed HTML the web app wires (Run, Copy, Save and Check buttons). Everything is escaped.
import type { MarkdownIt, RendererRule } from 'markdown-it'
import { isSafeFileName, languageForFile, parseCheckIds, parseFenceInfo } from './fence-info.ts'

/** Per-render data the plugins read and write (markdown-it's `env`). */
// A type alias, not an interface, so it fits markdown-it's indexable Env.
export type StepRenderEnv = {
  /** The lab id, for asset URLs. */
  labId: string
  /** Variable values, substituted before rendering. */
  values: Readonly<Record<string, string>>
  /** Ids of the step's declared checks, in order. */
  stepCheckIds: readonly string[]
  /** Filled while rendering: the check ids the step's ```check blocks show, in order. */
  shownCheckIds: string[]
}

/**
 * The fence renderer for action blocks; other fences render as markdown-it does by default.
 * @example md.use(actionFencePlugin) // then md.render(src, env) with env: StepRenderEnv
 */
export function actionFencePlugin(md: MarkdownIt): void {
  const fallback = md.renderer.rules['fence']
  const escape = md.utils.escapeHtml
  const render: RendererRule = (tokens, idx, options, env, self) => {
    const token = tokens[idx]
    if (!token) {
      return ''
    }
    const fence = parseFenceInfo(token.info)
    const code = escape(withoutFinalNewline(token.content))
    switch (fence.action) {
      case 'terminal:run':
        return `<div class="kl-action kl-run" data-action="terminal:run"><pre><code>${code}</code></pre></div>\n`
      case 'copy':
        return `<div class="kl-action kl-copy" data-action="copy"><pre><code>${code}</code></pre></div>\n`
      case 'file':
        return isSafeFileName(fence.name)
          ? renderFile(fence.name, escape(token.content), escape)
          : `<pre><code>${escape(token.content)}</code></pre>\n`
      case 'check':
        return renderCheck(parseCheckIds(token.content), asEnv(env), escape)
      case 'unknown':
        return `<pre><code>${escape(token.content)}</code></pre>\n`
      case 'none':
        return fallback
          ? fallback(tokens, idx, options, env, self)
          : `<pre><code>${escape(token.content)}</code></pre>\n`
    }
  }
  md.renderer.rules['fence'] = render
}

function renderFile(name: string, content: string, escape: (s: string) => string): string {
  const safe = escape(name)
  const language = escape(languageForFile(name))
  return (
    `<div class="kl-action kl-file" data-action="file" data-file-name="${safe}">` +
    `<div class="kl-file-name">${safe}</div><pre><code class="language-${language}">${content}</code></pre></div>\n`
  )
}

/** A check block: the listed ids that the step declares, or all of them when none are listed. */
export function renderCheck(
  listed: readonly string[],
  env: StepRenderEnv | undefined,
  escape: (s: string) => string,
): string {
  const declared = env?.stepCheckIds ?? []
  const ids = listed.length === 0 ? [...declared] : listed.filter((id) => declared.includes(id))
  for (const id of ids) {
    if (env && !env.shownCheckIds.includes(id)) {
      env.shownCheckIds.push(id)
    }
  }
  return `<div class="kl-action kl-check" data-action="check" data-check-ids="${escape(ids.join(','))}"></div>\n`
}

function withoutFinalNewline(text: string): string {
  return text.endsWith('\n') ? text.slice(0, -1) : text
}

/** Narrows markdown-it's untyped env to ours when it has our shape. */
export function asEnv(env: unknown): StepRenderEnv | undefined {
  if (env !== null && typeof env === 'object' && 'shownCheckIds' in env && 'stepCheckIds' in env) {
    return env as StepRenderEnv
  }
  return undefined
}
