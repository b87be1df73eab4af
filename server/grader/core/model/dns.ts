// DNS-name checks used by validation, mirroring istio pkg/config/labels and validation/agent:
// DNS-1123 labels, wildcard domains, FQDNs. Each returns an error sentence or undefined. Pure.

const labelRe = /^[a-zA-Z0-9](?:[-a-zA-Z0-9]*[a-zA-Z0-9])?$/
const wildcardLabelRe = /^(\*|(\*|\*-)?[a-zA-Z0-9](?:[-a-zA-Z0-9]*[a-zA-Z0-9])?)$/

/** A DNS-1123 label: letters, digits and inner hyphens, at most 63 characters. */
export function isDNS1123Label(value: string): boolean {
  return value.length <= 63 && labelRe.test(value)
}

function isWildcardLabel(value: string): boolean {
  return value.length <= 63 && wildcardLabelRe.test(value)
}

function checkPreconditions(name: string): string | undefined {
  if (name.length > 255) {
    return `domain name "${name}" is too long (max 255)`
  }
  if (name.length === 0) {
    return 'empty domain name not allowed'
  }
  return undefined
}

function checkLabels(domain: string): string | undefined {
  const parts = domain.split('.')
  const tld = parts[parts.length - 1] ?? ''
  if (/^[+-]?\d+$/.test(tld)) {
    return `domain name "${domain}" invalid (top level domain "${tld}" cannot be all-numeric)`
  }
  for (let i = 0; i < parts.length; i++) {
    const label = parts[i] ?? ''
    if (i === parts.length - 1 && label === '') {
      return undefined
    }
    if (!isDNS1123Label(label)) {
      return `domain name "${domain}" invalid (label "${label}" invalid)`
    }
  }
  return undefined
}

/** A fully-qualified domain name (no wildcard). */
export function checkFQDN(fqdn: string): string | undefined {
  return checkPreconditions(fqdn) ?? checkLabels(fqdn)
}

/** A domain with an optional wildcard in the first label only (`*.example.com`, `*`). */
export function checkWildcardDomain(domain: string): string | undefined {
  const pre = checkPreconditions(domain)
  if (pre !== undefined) {
    return pre
  }
  const dot = domain.indexOf('.')
  const first = dot < 0 ? domain : domain.slice(0, dot)
  if (!isWildcardLabel(first)) {
    return `domain name "${domain}" invalid (label "${first}" invalid)`
  }
  return dot < 0 ? undefined : checkLabels(domain.slice(dot + 1))
}
