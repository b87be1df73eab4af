// How a grader check turns its layers into one verdict, and the request-path picture (which hop of
// client → load balancer → node port → gateway Service → Envoy → Service → pod stopped the request)
// the UI draws from `detail`. Envoy beats the prediction when both ran, unless the prediction failed
// on a fact read from the learner's objects (`definite`); traffic must pass too.
import type { Cause } from '../../checks/causes.ts'
import type { CheckOutcome, Layer, LayerResult } from '../../checks/types.ts'

/** A layer that ran. */
export function ran(layer: Layer, passed: boolean, message: string): LayerResult {
  return { layer, passed, message }
}

/**
 * An outcome the check could not verify here: never a pass, never a failure. `reason` says why,
 * e.g. "needs the cluster: kubectl delete is not visible offline".
 */
export function unverified(reason: string, layer: Layer = 'config'): CheckOutcome {
  return {
    passed: false,
    status: 'unverified',
    message: reason,
    layers: [{ layer, passed: undefined, message: reason }],
  }
}

/** A layer that cannot run without a cluster. */
export function needsCluster(layer: Layer): LayerResult {
  return { layer, passed: undefined, message: 'needs the live cluster' }
}

/** A layer that ran and failed on a fact read from the learner's objects (see LayerResult.definite). */
export function ranDefinite(layer: Layer, message: string): LayerResult {
  return { layer, passed: false, message, definite: true }
}

/**
 * The check's verdict: the routing answer comes from Envoy when its layer ran, else from the
 * prediction; a traffic layer that ran must pass as well. No layer that ran → not passed. A
 * `definite` failure fails the check whatever the other layers say: Envoy may answer from state it
 * kept (a certificate whose Secret is gone), which the grader cannot call a learner's success.
 */
export function verdict(layers: readonly LayerResult[]): boolean {
  if (layers.some((x) => x.passed === false && x.definite === true)) {
    return false
  }
  const get = (l: Layer): boolean | undefined => layers.find((x) => x.layer === l)?.passed
  const routing = get('envoy') ?? get('config')
  const traffic = get('traffic')
  if (routing === undefined && traffic === undefined) {
    return false
  }
  return routing !== false && traffic !== false
}

/** The hops of the request path, in order (the numbers of the lab's diagram). */
export const HOPS = [
  'client',
  'load-balancer',
  'node-port',
  'gateway-service',
  'envoy',
  'destination-service',
  'pod',
] as const
/** One hop of the request path. */
export type Hop = (typeof HOPS)[number]

/** The request-path picture placed in a check's `detail`. */
export interface PathPicture {
  request: string
  /** Which layer the picture was drawn from. */
  layer: Layer
  hops: Array<{ hop: Hop; state: 'passed' | 'stopped' | 'not-reached' | 'unknown'; note?: string }>
  stoppedAt?: Hop
}

/** Where a simulated or real outcome stopped: a hop and why, or undefined when it got through. */
export function stopOf(reason: string | undefined, reachedEnvoy: boolean): { hop: Hop; note: string } | undefined {
  if (!reachedEnvoy) {
    return { hop: 'gateway-service', note: 'the Service does not forward this port' }
  }
  switch (reason) {
    case undefined:
      return undefined
    case 'no_listener':
      return { hop: 'envoy', note: 'no listener on this port (connection refused)' }
    case 'no_filter_chain':
    case 'tls_error':
    case 'protocol_error':
    case 'multiple_filter_chains':
      return { hop: 'envoy', note: 'no filter chain for this protocol or SNI (connection reset)' }
    case 'no_virtual_host':
      return { hop: 'envoy', note: 'no virtual host for this Host (404)' }
    case 'no_route':
      return { hop: 'envoy', note: 'no route for this path (404)' }
    case 'tls_redirect':
      return { hop: 'envoy', note: 'redirected to HTTPS (301)' }
    case 'cluster_not_found':
      return { hop: 'destination-service', note: 'the destination Service or port does not exist (503)' }
    default:
      return { hop: 'envoy', note: reason }
  }
}

/** Draws the picture: hops before the stop passed, the stop stopped, the rest not reached. */
export function picture(
  request: string,
  layer: Layer,
  stop: { hop: Hop; note: string } | undefined,
  podKnown: boolean,
): PathPicture {
  const at = stop === undefined ? -1 : HOPS.indexOf(stop.hop)
  const hops = HOPS.map((hop, i) => {
    if (stop !== undefined && i === at) {
      return { hop, state: 'stopped' as const, note: stop.note }
    }
    if (stop !== undefined && i > at) {
      return { hop, state: 'not-reached' as const }
    }
    if (stop === undefined && hop === 'pod' && !podKnown) {
      return { hop, state: 'unknown' as const, note: 'only real traffic can tell' }
    }
    return { hop, state: 'passed' as const }
  })
  return { request, layer, hops, ...(stop === undefined ? {} : { stoppedAt: stop.hop }) }
}

/** Assembles a CheckOutcome from layers, with the hint (the grader's finding) and cause only on failure. */
export function outcome(
  layers: LayerResult[],
  message: { passed: string; failed: string },
  hint: string | undefined,
  detail: unknown,
  cause?: Cause,
): CheckOutcome {
  const passed = verdict(layers)
  return {
    passed,
    message: passed ? message.passed : message.failed,
    ...(passed || hint === undefined ? {} : { hint }),
    ...(passed || cause === undefined ? {} : { cause }),
    layers,
    ...(detail === undefined ? {} : { detail }),
  }
}
