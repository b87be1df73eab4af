// virtualservice.DestinationHostAnalyzer: every route and mirror destination host is a Service or
// ServiceEntry the VirtualService can see (IST0101), on a port it has (IST0101 host:port), and names
// a port when the Service has several (IST0112). Pure.
import type { Finding } from '../core/findings.ts'
import type { Destination, VirtualService } from '../core/model/index.ts'
import type { Analyzer } from './analyzer.ts'
import { messages, report } from './messages.ts'
import {
  type HostIndex,
  type KnownHost,
  buildHostIndex,
  describeOwner,
  findDestinationHost,
  toFQDN,
} from './service-lookup.ts'

/** A destination with the field path it was read from. */
interface LocatedDestination {
  destination: Destination
  /** Path of the `host` field, e.g. `spec.http[0].route[1].destination.host`. */
  path: string
  mirror: boolean
}

/** Reproduces istioctl's virtualservice.DestinationHostAnalyzer (subset checks are DestinationRule work). */
export const virtualServiceDestinationHost: Analyzer = {
  meta: {
    id: 'virtualservice.destination-host',
    istioName: 'virtualservice.DestinationHostAnalyzer',
    description: 'Checks that destination and mirror hosts exist and that their ports are right',
    inputs: ['virtualServices', 'serviceEntries', 'services'],
    codes: ['IST0101', 'IST0112'],
  },
  analyze(model) {
    const index = buildHostIndex(model)
    return model.virtualServices.flatMap((vs) => destinationsOf(vs).flatMap((d) => checkDestination(vs, d, index)))
  },
}

/** Route destinations (tcp, tls, http, as istioctl lists them), then http mirrors. */
export function destinationsOf(vs: VirtualService): LocatedDestination[] {
  const out: LocatedDestination[] = []
  const rules = [
    ['tcp', vs.spec.tcp],
    ['tls', vs.spec.tls],
    ['http', vs.spec.http],
  ] as const
  for (const [kind, list] of rules) {
    list.forEach((rule, i) => {
      ;(rule.route ?? []).forEach((r, j) => {
        out.push({ destination: r.destination, path: `spec.${kind}[${i}].route[${j}].destination.host`, mirror: false })
      })
    })
  }
  vs.spec.http.forEach((rule, i) => {
    const mirror = asDestination(rule.other?.['mirror'])
    if (mirror !== undefined) {
      out.push({ destination: mirror, path: `spec.http[${i}].mirror.host`, mirror: true })
    }
    const mirrors = rule.other?.['mirrors']
    if (Array.isArray(mirrors)) {
      mirrors.forEach((m: unknown, j) => {
        const d = asDestination(isRecord(m) ? m['destination'] : undefined)
        if (d !== undefined) {
          out.push({ destination: d, path: `spec.http[${i}].mirrors[${j}].destination.host`, mirror: true })
        }
      })
    }
  })
  return out
}

function checkDestination(vs: VirtualService, d: LocatedDestination, index: HostIndex): Finding[] {
  const { host } = d.destination
  const known = findDestinationHost(index, vs.metadata.namespace, vs.spec.exportTo ?? [], host)
  if (known === undefined) {
    return [hostNotFound(vs, d)]
  }
  const port = d.destination.port?.number
  if (port === undefined) {
    return known.ports.length > 1 ? [portRequired(vs, d, known)] : []
  }
  return known.ports.includes(port) ? [] : [portNotFound(vs, d, known, port)]
}

function hostNotFound(vs: VirtualService, d: LocatedDestination): Finding {
  const { host } = d.destination
  const fqdn = toFQDN(vs.metadata.namespace, host)
  const what = d.mirror ? 'Mirror host' : 'Destination host'
  const dotted =
    host.includes('.') && !host.startsWith('*') && !host.endsWith('.svc.cluster.local') && host.split('.').length === 2
  return report(messages.ReferencedResourceNotFound, vs, {
    path: d.path,
    message: `${what} "${host}" is not a Service or ServiceEntry visible from namespace ${vs.metadata.namespace}${fqdn === host ? '' : ` (looked for ${fqdn})`}.`,
    hint: dotted
      ? `Write the full name ${host}.svc.cluster.local: a short name is expanded only when it has no dot.`
      : 'Use the name of an existing Service (its short name in the same namespace, or <name>.<namespace>.svc.cluster.local), or declare an external host with a ServiceEntry.',
  })
}

function portRequired(vs: VirtualService, d: LocatedDestination, known: KnownHost): Finding {
  const ports = known.ports.join(', ')
  return report(messages.VirtualServiceDestinationPortSelectorRequired, vs, {
    path: d.path.replace(/\.host$/, ''),
    message: `${describeOwner(known)} has several ports (${ports}), and the destination "${d.destination.host}" does not say which one to use.`,
    hint: `Add port: {number: N} to the destination, with N one of ${ports}.`,
  })
}

function portNotFound(vs: VirtualService, d: LocatedDestination, known: KnownHost, port: number): Finding {
  const ports = known.ports.length === 0 ? 'no ports' : `ports ${known.ports.join(', ')}`
  return report(messages.ReferencedResourceNotFound, vs, {
    path: d.path.replace(/\.host$/, '.port.number'),
    message: `The destination "${d.destination.host}:${port}" uses port ${port}, but ${describeOwner(known)} has ${ports}.`,
    hint: 'Use a port the Service declares (the Service port, not the container targetPort).',
  })
}

function asDestination(value: unknown): Destination | undefined {
  if (!isRecord(value) || typeof value['host'] !== 'string') {
    return undefined
  }
  const port =
    isRecord(value['port']) && typeof value['port']['number'] === 'number'
      ? { number: value['port']['number'] }
      : undefined
  return { host: value['host'], ...(port === undefined ? {} : { port }) }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
