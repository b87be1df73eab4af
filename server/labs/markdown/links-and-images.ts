// markdown-it plugin for what a step may point at: links only to http(s), mailto and relative
// targets; images only from the lab's own assets/ folder (others become their alt text); heading ids.
import type { MarkdownIt, StateCore } from 'markdown-it'
import { asEnv } from './action-fence.ts'
import { isSafeFileName } from './fence-info.ts'

const SCHEME = /^[a-z][a-z0-9+.-]*:/
const ALLOWED_SCHEME = /^(https?|mailto):/

/** Whether a (normalized) link target is allowed: http(s), mailto, or relative. */
export function isAllowedLink(url: string): boolean {
  const lower = url.trim().toLowerCase()
  return !SCHEME.test(lower) || ALLOWED_SCHEME.test(lower)
}

/** Image types the server serves from a lab's assets/ folder. */
export const ASSET_EXTENSIONS: readonly string[] = ['svg', 'png', 'jpg', 'jpeg', 'gif', 'webp']

/**
 * The file name inside assets/ for an image src such as `assets/x.svg` or `./assets/x.svg`:
 * one safe segment with an image extension; undefined for anything else.
 */
export function assetPath(src: string): string | undefined {
  let decoded: string
  try {
    decoded = decodeURIComponent(src)
  } catch {
    return undefined
  }
  const name = /^(?:\.\/)?assets\/([^/]+)$/.exec(decoded)?.[1]
  const ext = name?.split('.').pop()?.toLowerCase() ?? ''
  return name !== undefined && isSafeFileName(name) && ASSET_EXTENSIONS.includes(ext) ? name : undefined
}

/** The URL the server serves a lab asset at. */
export function assetUrl(labId: string, name: string): string {
  return `/api/labs/${encodeURIComponent(labId)}/assets/${encodeURIComponent(name)}`
}

/** Restricts links, rewrites asset images, and gives headings ids. */
export function linksAndImagesPlugin(md: MarkdownIt): void {
  md.validateLink = isAllowedLink
  const escape = md.utils.escapeHtml
  md.renderer.rules['image'] = (tokens, idx, options, env, self) => {
    const token = tokens[idx]
    if (!token) {
      return ''
    }
    const alt = self.renderInlineAsText(token.children ?? [], options, env)
    const src = token.attrGet('src')
    const path = typeof src === 'string' ? assetPath(src) : undefined
    const labId = asEnv(env)?.labId
    if (path === undefined || !labId) {
      return escape(alt)
    }
    const title = token.attrGet('title')
    const titleAttr = typeof title === 'string' && title ? ` title="${escape(title)}"` : ''
    return `<img src="${escape(assetUrl(labId, path))}" alt="${escape(alt)}"${titleAttr} loading="lazy">`
  }
  md.core.ruler.push('kl_heading_ids', addHeadingIds)
}

function addHeadingIds(state: StateCore): void {
  const used = new Set<string>()
  state.tokens.forEach((token, i) => {
    if (token.type !== 'heading_open') {
      return
    }
    const inline = state.tokens[i + 1]
    const text = (inline?.children ?? [])
      .filter((child) => child.type === 'text' || child.type === 'code_inline')
      .map((child) => child.content)
      .join('')
    const base = `kl-${slugify(text) || 'section'}`
    let id = base
    for (let n = 2; used.has(id); n++) {
      id = `${base}-${n}`
    }
    used.add(id)
    token.attrSet('id', id)
  })
}

/** Lowercase letters and digits joined by single dashes. */
export function slugify(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80)
}
