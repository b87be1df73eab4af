// Optional fields of the Gateway API model are absent when the YAML leaves them out, never set to
// undefined (or, for names and namespaces, to ''). Pure.

/** `fields` without the ones whose value is undefined. */
export function present<T extends Record<string, unknown>>(fields: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(fields)) {
    if (value !== undefined) {
      out[key] = value
    }
  }
  return out as { [K in keyof T]?: Exclude<T[K], undefined> }
}

/** The string, or undefined when it is absent or empty (an empty name or namespace means unset). */
export const nonEmpty = (s: string | undefined): string | undefined => (s === '' ? undefined : s)
