// Tiny DOM helpers: build elements with text (never HTML strings from data), find required nodes.

type Attrs = Record<string, string | boolean | undefined>

/** Creates an element; children that are strings become text nodes, so data is never parsed as HTML. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Array<Node | string | undefined>
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag)
  for (const [name, value] of Object.entries(attrs)) {
    if (value === true) {
      el.setAttribute(name, '')
    } else if (typeof value === 'string') {
      el.setAttribute(name, value)
    }
  }
  for (const child of children) {
    if (child !== undefined) {
      el.append(child)
    }
  }
  return el
}

export function byId(id: string): HTMLElement {
  const el = document.getElementById(id)
  if (!el) {
    throw new Error(`missing #${id}`)
  }
  return el
}
