// The prediction layer: the grader core's translation of the learner's resources (cached per grader
// input) and one request simulated through it, starting at the istio-ingressgateway Service so
// that a port the Service does not forward is reported at that hop.
import { simulate, translate, type SimResult, type Translation } from '../core/index.ts'
import type { ServiceTarget } from '../core/translate/gateway-select.ts'
import type { GraderInput } from '../../checks/grader-input.ts'
import type { GatewayRequest } from './request.ts'

const translations = new WeakMap<GraderInput, Translation>()

/** The translation of the input's model (computed once per input). */
export function translationOf(input: GraderInput): Translation {
  let t = translations.get(input)
  if (t === undefined) {
    t = translate(input.model, input.environment === undefined ? {} : { environment: input.environment })
    translations.set(input, t)
  }
  return t
}

/** What the gateway Service does with the client's port. */
export interface ServiceHop {
  /** The Service port the client used. */
  port: number
  /** The port Envoy must listen on; undefined when no Service of the gateway pod has `port`. */
  listenPort: number | undefined
  /** `Service istio-system/istio-ingressgateway`, when known. */
  owner?: string
  /** Every port the gateway's Services forward, for messages. */
  known: Array<{ port: number; targetPort: number }>
}

/**
 * Maps the client's Service port to Envoy's listen port through the Services that select the
 * gateway pod. Without any such Service (a bare model) the port is used as-is, as istiod would.
 */
export function serviceHop(t: Translation, port: number): ServiceHop {
  const targets: ServiceTarget[] = t.targets.filter((x) => x.owner.startsWith('Service '))
  const known = targets.map((x) => ({ port: x.port, targetPort: x.targetPort }))
  if (targets.length === 0) {
    return { port, listenPort: port, known }
  }
  const hit = targets.find((x) => x.port === port)
  return hit === undefined
    ? { port, listenPort: undefined, known }
    : { port, listenPort: hit.targetPort, owner: hit.owner, known }
}

/** The predicted outcome of one request. */
export interface Prediction {
  hop: ServiceHop
  /** Undefined when the request never reaches Envoy (the Service has no such port). */
  result: SimResult | undefined
}

/** Simulates `req` on the predicted configuration. */
export function predict(input: GraderInput, req: GatewayRequest): Prediction {
  const t = translationOf(input)
  const hop = serviceHop(t, req.port)
  if (hop.listenPort === undefined) {
    return { hop, result: undefined }
  }
  const result = simulate(input.model, t, {
    port: hop.listenPort,
    host: req.host,
    path: req.path,
    method: req.method,
    headers: req.headers,
    tls: req.https,
    sni: req.sni,
    protocol: req.protocol,
  })
  return { hop, result }
}

/** The sentence for a port the gateway Service does not forward. */
export function missingServicePort(hop: ServiceHop, service = 'The istio-ingressgateway Service'): string {
  const ports = hop.known.map((k) => `${k.port}→${k.targetPort}`).join(', ')
  return `${service} has no port ${hop.port}, so the request never reaches Envoy (its ports: ${ports || 'none'}).`
}
