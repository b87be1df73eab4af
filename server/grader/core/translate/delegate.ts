// Merges a delegate VirtualService rule into the root rule that delegates to it, as istio
// MergeHTTPRoutes does: the delegate match wins, empty fields come from the root, and a delegate
// match outside the root match is dropped (spec rule 32). Pure.
import type { HTTPMatchRequest, HTTPRoute, StringMatch } from '../model/index.ts'

/** The merged rule, or undefined when the delegate's matches conflict with the root's. */
export function mergeDelegateRule(root: HTTPRoute, delegate: HTTPRoute): HTTPRoute | undefined {
  const matches = mergeMatches(root.match ?? [], delegate.match ?? [])
  if (matches === undefined) {
    return undefined
  }
  const out: HTTPRoute = { ...delegate }
  delete out.delegate
  if (matches.length > 0) {
    out.match = matches
  } else {
    delete out.match
  }
  const name =
    delegate.name === undefined || delegate.name === ''
      ? root.name
      : root.name
        ? `${root.name}-${delegate.name}`
        : delegate.name
  if (name !== undefined) {
    out.name = name
  }
  if (out.rewrite === undefined && root.rewrite !== undefined) {
    out.rewrite = root.rewrite
  }
  if (out.directResponse === undefined && root.directResponse !== undefined) {
    out.directResponse = root.directResponse
  }
  if (out.timeout === undefined && root.timeout !== undefined) {
    out.timeout = root.timeout
  }
  if (out.headers === undefined && root.headers !== undefined) {
    out.headers = root.headers
  }
  const other = { ...(root.other ?? {}), ...(delegate.other ?? {}) }
  if (Object.keys(other).length > 0) {
    out.other = other
  }
  return out
}

function mergeMatches(root: HTTPMatchRequest[], delegate: HTTPMatchRequest[]): HTTPMatchRequest[] | undefined {
  if (root.length === 0) {
    return delegate
  }
  if (delegate.length === 0) {
    return root
  }
  const out: HTTPMatchRequest[] = []
  for (const sub of delegate) {
    let found = false
    for (const r of root) {
      if (hasConflict(r, sub)) {
        continue
      }
      out.push(mergeMatch(r, sub))
      found = true
    }
    if (!found) {
      return undefined
    }
  }
  return out.length === 0 ? undefined : out
}

function mergeMatch(root: HTTPMatchRequest, d: HTTPMatchRequest): HTTPMatchRequest {
  const out: HTTPMatchRequest = { ...d }
  if (!out.name) {
    if (root.name !== undefined) {
      out.name = root.name
    }
  } else if (root.name) {
    out.name = `${root.name}-${out.name}`
  }
  for (const key of ['uri', 'scheme', 'method', 'authority'] as const) {
    const rv = root[key]
    if (out[key] === undefined && rv !== undefined) {
      out[key] = rv
    }
  }
  for (const key of ['headers', 'withoutHeaders', 'queryParams'] as const) {
    const m = { ...(root[key] ?? {}), ...(d[key] ?? {}) }
    if (Object.keys(m).length > 0) {
      out[key] = m
    }
  }
  const labels = { ...(root.sourceLabels ?? {}), ...(d.sourceLabels ?? {}) }
  if (Object.keys(labels).length > 0) {
    out.sourceLabels = labels
  }
  if (!out.port && root.port) {
    out.port = root.port
  }
  if (!out.sourceNamespace && root.sourceNamespace) {
    out.sourceNamespace = root.sourceNamespace
  }
  if ((out.gateways?.length ?? 0) === 0 && root.gateways !== undefined) {
    out.gateways = root.gateways
  }
  if (!out.statPrefix && root.statPrefix) {
    out.statPrefix = root.statPrefix
  }
  return out
}

function hasConflict(root: HTTPMatchRequest, leaf: HTTPMatchRequest): boolean {
  for (const key of ['uri', 'scheme', 'method', 'authority'] as const) {
    if (stringMatchConflict(root[key], leaf[key])) {
      return true
    }
  }
  for (const key of ['headers', 'withoutHeaders', 'queryParams'] as const) {
    for (const [name, value] of Object.entries(leaf[key] ?? {})) {
      if (stringMatchConflict(root[key]?.[name], value)) {
        return true
      }
    }
  }
  if ((root.ignoreUriCase ?? false) !== (leaf.ignoreUriCase ?? false)) {
    return true
  }
  if (root.port && leaf.port && root.port !== leaf.port) {
    return true
  }
  if (root.sourceNamespace && leaf.sourceNamespace !== root.sourceNamespace) {
    return true
  }
  for (const [k, v] of Object.entries(leaf.sourceLabels ?? {})) {
    const rv = root.sourceLabels?.[k]
    if (rv !== undefined && rv !== v) {
      return true
    }
  }
  const rg = root.gateways ?? []
  const lg = leaf.gateways ?? []
  if (rg.length > 0 && lg.length > 0 && (rg.length < lg.length || lg.some((g) => !rg.includes(g)))) {
    return true
  }
  return false
}

/** istio stringMatchConflict: can `leaf` only match within `root`? */
function stringMatchConflict(root: StringMatch | undefined, leaf: StringMatch | undefined): boolean {
  if (root === undefined || leaf === undefined) {
    return false
  }
  if (root.regex && (leaf.regex || leaf.prefix || leaf.exact)) {
    return true
  }
  if (leaf.regex && (root.regex || root.prefix || root.exact)) {
    return true
  }
  if (root.exact) {
    return Boolean(leaf.prefix) || leaf.exact !== root.exact
  }
  if (root.prefix) {
    if (leaf.prefix) {
      return !leaf.prefix.startsWith(root.prefix)
    }
    if (leaf.exact) {
      return !leaf.exact.startsWith(root.prefix)
    }
  }
  return true
}
