// Converts a raw Gateway, DestinationRule or ServiceEntry spec into the typed model, recording
// shape problems on the reader. Does not validate semantics (see validate-gateway.ts). Pure.
import type { FieldReader } from './reader.ts'
import type {
  DestinationRule,
  GatewaySpec,
  Server,
  ServerTLSSettings,
  ServiceEntry,
  WorkloadEntrySpec,
} from './types.ts'

/** Reads `spec` of a networking.istio.io Gateway. */
export function readGatewaySpec(r: FieldReader, raw: unknown): GatewaySpec {
  const spec = r.obj(raw, 'spec') ?? {}
  const selector = r.strMap(spec['selector'], 'spec.selector')
  const servers = r.list(spec['servers'], 'spec.servers', (s, p) => readServer(r, s, p)) ?? []
  return selector === undefined ? { servers } : { selector, servers }
}

function readServer(r: FieldReader, raw: unknown, path: string): Server | undefined {
  const s = r.obj(raw, path)
  if (s === undefined) {
    return r.fail(path, `${path} must not be empty.`)
  }
  const port = r.obj(s['port'], `${path}.port`) ?? {}
  const server: Server = {
    port: {
      number: r.int(port['number'], `${path}.port.number`) ?? 0,
      protocol: r.str(port['protocol'], `${path}.port.protocol`) ?? '',
      name: r.str(port['name'], `${path}.port.name`) ?? '',
    },
    hosts: r.strList(s['hosts'], `${path}.hosts`) ?? [],
  }
  const targetPort = r.int(port['targetPort'], `${path}.port.targetPort`)
  if (targetPort !== undefined) {
    server.port.targetPort = targetPort
  }
  if (s['port'] === undefined) {
    r.fail(`${path}.port`, `${path}.port is required.`)
  }
  const bind = r.str(s['bind'], `${path}.bind`)
  if (bind !== undefined && bind !== '') {
    server.bind = bind
  }
  const name = r.str(s['name'], `${path}.name`)
  if (name !== undefined) {
    server.name = name
  }
  const tls = readServerTLS(r, s['tls'], `${path}.tls`)
  if (tls !== undefined) {
    server.tls = tls
  }
  return server
}

function readServerTLS(r: FieldReader, raw: unknown, path: string): ServerTLSSettings | undefined {
  const t = r.obj(raw, path)
  if (t === undefined) {
    return undefined
  }
  const tls: ServerTLSSettings = {}
  const httpsRedirect = r.bool(t['httpsRedirect'], `${path}.httpsRedirect`)
  if (httpsRedirect !== undefined) {
    tls.httpsRedirect = httpsRedirect
  }
  for (const key of ['mode', 'credentialName', 'serverCertificate', 'privateKey', 'caCertificates'] as const) {
    const v = r.str(t[key], `${path}.${key}`)
    if (v !== undefined && v !== '') {
      tls[key] = v
    }
  }
  for (const key of ['credentialNames', 'subjectAltNames'] as const) {
    const v = r.strList(t[key], `${path}.${key}`)
    if (v !== undefined && v.length > 0) {
      tls[key] = v
    }
  }
  return tls
}

/** Reads `spec` of a DestinationRule (host and subsets; traffic policy is not modelled). */
export function readDestinationRuleSpec(r: FieldReader, raw: unknown): DestinationRule['spec'] {
  const spec = r.obj(raw, 'spec') ?? {}
  const out: DestinationRule['spec'] = {
    host: r.str(spec['host'], 'spec.host') ?? '',
    subsets:
      r.list(spec['subsets'], 'spec.subsets', (s, p) => {
        const o = r.obj(s, p)
        if (o === undefined) {
          return undefined
        }
        const labels = r.strMap(o['labels'], `${p}.labels`)
        const name = r.str(o['name'], `${p}.name`) ?? ''
        return labels === undefined ? { name } : { name, labels }
      }) ?? [],
  }
  const exportTo = r.strList(spec['exportTo'], 'spec.exportTo')
  if (exportTo !== undefined) {
    out.exportTo = exportTo
  }
  return out
}

function readWorkloadEntry(r: FieldReader, raw: unknown, path: string): WorkloadEntrySpec | undefined {
  const o = r.obj(raw, path)
  if (o === undefined) {
    return undefined
  }
  const we: WorkloadEntrySpec = {}
  const address = r.str(o['address'], `${path}.address`)
  if (address !== undefined) {
    we.address = address
  }
  const labels = r.strMap(o['labels'], `${path}.labels`)
  if (labels !== undefined) {
    we.labels = labels
  }
  const ports = r.map(o['ports'], `${path}.ports`, (v, p) => r.int(v, p))
  if (ports !== undefined) {
    we.ports = ports
  }
  return we
}

/** Reads `spec` of a ServiceEntry (hosts and ports). */
export function readServiceEntrySpec(r: FieldReader, raw: unknown): ServiceEntry['spec'] {
  const spec = r.obj(raw, 'spec') ?? {}
  const out: ServiceEntry['spec'] = {
    hosts: r.strList(spec['hosts'], 'spec.hosts') ?? [],
    ports:
      r.list(spec['ports'], 'spec.ports', (p, path) => {
        const o = r.obj(p, path)
        if (o === undefined) {
          return undefined
        }
        const port: ServiceEntry['spec']['ports'][number] = { number: r.int(o['number'], `${path}.number`) ?? 0 }
        const protocol = r.str(o['protocol'], `${path}.protocol`)
        if (protocol !== undefined) {
          port.protocol = protocol
        }
        const name = r.str(o['name'], `${path}.name`)
        if (name !== undefined) {
          port.name = name
        }
        const targetPort = r.int(o['targetPort'], `${path}.targetPort`)
        if (targetPort !== undefined) {
          port.targetPort = targetPort
        }
        return port
      }) ?? [],
  }
  for (const key of ['location', 'resolution'] as const) {
    const v = r.str(spec[key], `spec.${key}`)
    if (v !== undefined) {
      out[key] = v
    }
  }
  const exportTo = r.strList(spec['exportTo'], 'spec.exportTo')
  if (exportTo !== undefined) {
    out.exportTo = exportTo
  }
  const endpoints = r.list(spec['endpoints'], 'spec.endpoints', (e, path) => readWorkloadEntry(r, e, path))
  if (endpoints !== undefined) {
    out.endpoints = endpoints
  }
  const ws = r.obj(spec['workloadSelector'], 'spec.workloadSelector')
  if (ws !== undefined) {
    out.workloadSelector = { labels: r.strMap(ws['labels'], 'spec.workloadSelector.labels') ?? {} }
  }
  return out
}
