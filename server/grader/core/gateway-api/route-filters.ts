// Gateway API header filters as Istio header operations (spec rule 28). Pure.
import type { Headers } from '../model/index.ts'
import type { HeaderModifier, HTTPRouteFilter } from './types.ts'

/** Header modifiers (rule 28): lower-cased names, the first value of a repeated name wins. */
export function headerOps(filters: readonly HTTPRouteFilter[]): Headers | undefined {
  let out: Headers | undefined
  for (const f of filters) {
    if (f.requestHeaderModifier !== undefined) {
      out ??= {}
      out.request = modifier(f.requestHeaderModifier)
    }
    if (f.responseHeaderModifier !== undefined) {
      out ??= {}
      out.response = modifier(f.responseHeaderModifier)
    }
  }
  return out
}

function modifier(m: HeaderModifier): NonNullable<Headers['request']> {
  const pairs = (
    list: ReadonlyArray<{ name: string; value: string }> | undefined,
  ): Record<string, string> | undefined => {
    if (list === undefined || list.length === 0) {
      return undefined
    }
    const out: Record<string, string> = {}
    for (const { name, value } of list) {
      const key = name.toLowerCase()
      if (!Object.hasOwn(out, key)) {
        Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true })
      }
    }
    return out
  }
  const set = pairs(m.set)
  const add = pairs(m.add)
  return {
    ...(set === undefined ? {} : { set }),
    ...(add === undefined ? {} : { add }),
    ...(m.remove === undefined || m.remove.length === 0 ? {} : { remove: m.remove }),
  }
}
