// Converts raw Kubernetes Services and Pods into the typed model (ports, selector, container
// ports), recording shape problems on the reader. Pure.
import type { FieldReader } from './reader.ts'
import type { ContainerPort, Pod, Service, ServicePort } from './types.ts'

/** Reads `spec` of a core/v1 Service. */
export function readServiceSpec(r: FieldReader, raw: unknown): Service['spec'] {
  const spec = r.obj(raw, 'spec') ?? {}
  const out: Service['spec'] = {
    ports: r.list(spec['ports'], 'spec.ports', (p, path) => readServicePort(r, p, path)) ?? [],
  }
  const selector = r.strMap(spec['selector'], 'spec.selector')
  if (selector !== undefined && Object.keys(selector).length > 0) {
    out.selector = selector
  }
  const type = r.str(spec['type'], 'spec.type')
  if (type !== undefined) {
    out.type = type
  }
  const externalName = r.str(spec['externalName'], 'spec.externalName')
  if (externalName !== undefined) {
    out.externalName = externalName
  }
  return out
}

function readServicePort(r: FieldReader, raw: unknown, path: string): ServicePort | undefined {
  const o = r.obj(raw, path)
  if (o === undefined) {
    return undefined
  }
  const port: ServicePort = {
    port: r.int(o['port'], `${path}.port`) ?? 0,
    protocol: (r.str(o['protocol'], `${path}.protocol`) ?? 'TCP').toUpperCase(),
  }
  const name = r.str(o['name'], `${path}.name`)
  if (name !== undefined) {
    port.name = name
  }
  const targetPort = r.intOrString(o['targetPort'], `${path}.targetPort`)
  if (targetPort !== undefined) {
    port.targetPort = targetPort
  }
  const appProtocol = r.str(o['appProtocol'], `${path}.appProtocol`)
  if (appProtocol !== undefined) {
    port.appProtocol = appProtocol
  }
  const nodePort = r.int(o['nodePort'], `${path}.nodePort`)
  if (nodePort !== undefined) {
    port.nodePort = nodePort
  }
  return port
}

/** Reads `spec` of a core/v1 Pod: only the container ports matter to the grader. */
export function readPodSpec(r: FieldReader, raw: unknown): Pod['spec'] {
  const spec = r.obj(raw, 'spec') ?? {}
  const containerPorts: ContainerPort[] = []
  r.list(spec['containers'], 'spec.containers', (c, path) => {
    const o = r.obj(c, path) ?? {}
    r.list(o['ports'], `${path}.ports`, (p, pp) => {
      const po = r.obj(p, pp)
      if (po === undefined) {
        return undefined
      }
      const cp: ContainerPort = {
        containerPort: r.int(po['containerPort'], `${pp}.containerPort`) ?? 0,
        protocol: (r.str(po['protocol'], `${pp}.protocol`) ?? 'TCP').toUpperCase(),
      }
      const name = r.str(po['name'], `${pp}.name`)
      if (name !== undefined) {
        cp.name = name
      }
      containerPorts.push(cp)
      return cp
    })
    return o
  })
  return { containerPorts }
}

/** Reads `status` of a Pod: only its IP. */
export function readPodStatus(r: FieldReader, raw: unknown): Pod['status'] {
  const status = r.obj(raw, 'status') ?? {}
  const podIP = r.str(status['podIP'], 'status.podIP')
  return podIP === undefined || podIP === '' ? {} : { podIP }
}
