// markdown-it plugin: substitutes `${NAME}` in parsed tokens (text, code, fences, link targets), so
// a value is always treated as plain text and escaped on output, never parsed as Markdown.
import type { MarkdownIt, StateCore, Token } from 'markdown-it'
import { substituteVariables } from '../variables.ts'
import type { VariableValues } from '../variables.ts'
import { asEnv } from './action-fence.ts'

/** Links keep `${NAME}` percent-encoded by markdown-it's normalizeLink; match that form too. */
const ENCODED_REFERENCE = /(\$?)\$%7B([A-Z][A-Z0-9_]*)%7D/g

/**
 * Runs right after inline parsing and before linkify, so a substituted URL becomes a link.
 * @example md.use(variablesPlugin) // env.values = { TRAINEE_DOMAIN: 'localhost' }
 */
export function variablesPlugin(md: MarkdownIt): void {
  md.core.ruler.after('inline', 'kl_variables', (state: StateCore) => {
    const values = asEnv(state.env)?.values ?? {}
    for (const token of state.tokens) {
      if (token.type === 'fence') {
        token.content = substituteVariables(token.content, values)
        token.info = substituteVariables(token.info, values)
      } else if (token.type === 'code_block') {
        token.content = substituteVariables(token.content, values)
      } else if (token.type === 'inline' && token.children) {
        token.content = substituteVariables(token.content, values)
        token.children = joinText(token.children)
        substituteInline(md, token.children, values)
      }
    }
  })
}

function substituteInline(md: MarkdownIt, children: Token[], values: VariableValues): void {
  for (const child of children) {
    if (child.type === 'text' || child.type === 'code_inline') {
      child.content = substituteVariables(child.content, values)
    }
    for (const attr of ['href', 'src']) {
      const url = child.attrGet(attr)
      if (typeof url === 'string' && url.includes('$%7B')) {
        const replaced = md.normalizeLink(decodeReferences(url, values))
        if (md.validateLink(replaced)) {
          child.attrSet(attr, replaced)
        } else {
          child.attrs = (child.attrs ?? []).filter(([name]) => name !== attr)
        }
      }
    }
  }
}

function decodeReferences(url: string, values: VariableValues): string {
  return url.replace(ENCODED_REFERENCE, (whole, escape: string, name: string) => {
    if (escape === '$') {
      return whole.slice(1)
    }
    return Object.hasOwn(values, name) ? (values[name] ?? whole) : whole
  })
}

/**
 * Merges neighbouring text tokens (emphasis delimiters such as `_` are left as separate tokens),
 * so `${TRAINEE_DOMAIN}` is one piece of text again.
 */
function joinText(children: Token[]): Token[] {
  const joined: Token[] = []
  for (const child of children) {
    const last = joined[joined.length - 1]
    if (last && last.type === 'text' && child.type === 'text') {
      last.content += child.content
    } else {
      joined.push(child)
    }
  }
  return joined
}
