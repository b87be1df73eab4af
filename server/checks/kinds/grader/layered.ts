// Runs one request on every layer a check has: the prediction (always), the gateway's real Envoy
// config_dump and real traffic (with a live cluster). Envoy wins over the prediction, except over a
// definite failure (a TLS Secret that does not exist); when they disagree the check waits briefly
// for istiod's push, then records the difference in `detail`.
import type { Cause } from '../../causes.ts'
import { isAppError } from '../../../errors.ts'
import type { LayerResult } from '../../types.ts'
import type { GraderInput } from '../../grader-input.ts'
import type { HttpProbeResult, LiveCluster, TcpProbeResult } from '../../live-services.ts'
import { type EnvoyOutcome, outcomeKey, readDump, simulateOnDump } from '../../../grader/judge/envoy-layer.ts'
import { learnerFindings } from '../../../grader/judge/analysis.ts'
import {
  causeFromExplanation,
  hintFromExplanation,
  hintFromFinding,
  joinHints,
  preciseCause,
} from '../../../grader/judge/explain-hint.ts'
import { protocolHint } from '../../../grader/judge/protocol-hint.ts'
import { describeOutcome, type Judgement, type Outcome } from '../../../grader/judge/judge.ts'
import { missingServicePort, type Prediction, predict, translationOf } from '../../../grader/judge/predict.ts'
import { describeRequest, type GatewayRequest } from '../../../grader/judge/request.ts'
import { credentialProblem } from '../../../grader/judge/tls-credential.ts'
import { inLearnerTerms, type NoProxy, proxyInput, statusProblem } from '../../../grader/judge/gateway-api.ts'
import type { Translation } from '../../../grader/core/index.ts'
import { liveClusterFor } from './live-target.ts'
import { needsCluster, picture, type PathPicture, ran, ranDefinite, stopOf } from '../../../grader/judge/verdict.ts'

/** How long a check waits for istiod to push a change before trusting Envoy's older answer. */
export const PROPAGATION_WAIT_MS = 8000

/** What a layered run found. */
export interface LayeredResult {
  layers: LayerResult[]
  prediction: Prediction
  envoy?: EnvoyOutcome
  /** The specific hint (core explanation first), when a layer failed. */
  hint?: string
  /** Why it failed (causes.ts), when a layer failed. */
  cause?: Cause
  detail: { picture: PathPicture; explanation: string[]; predicted: string; envoy?: string; disagreement?: string }
}

/** The judges of one check: configuration outcomes, and (optionally) real traffic. */
export interface Judges {
  config(o: Outcome): Judgement
  /** Extra hint for a routed-but-wrong outcome (the core explains only misses); `t` is the proxy's translation. */
  wrongTurn?(o: Outcome, t: Translation): string | undefined
  /** The cause of a routed-but-wrong outcome. @default 'wrong-destination' */
  wrongTurnCause?(o: Outcome, t: Translation): Cause
  http?(probe: HttpProbeResult): Judgement
  tcp?(probe: TcpProbeResult): Judgement
}

/** Runs `req` through the layers. */
export async function runLayers(original: GraderInput, req: GatewayRequest, judges: Judges): Promise<LayeredResult> {
  // A Kubernetes Gateway's own proxy: the input as istiod configures that proxy.
  const input = req.gateway === undefined ? original : proxyInput(original, req.gateway)
  if ('message' in input) {
    return noProxy(req, input, original.cluster !== undefined)
  }
  const prediction = predict(input, req)
  const config = configLayer(input, req, prediction, judges)
  const out: LayeredResult = { layers: [config.layer], prediction, detail: config.detail }
  let hint = config.hint
  let cause = config.cause
  // The ingress gateway, or a Kubernetes Gateway's own proxy (live-target.ts).
  const target = liveClusterFor(original, req)
  if ('why' in target) {
    out.layers.push(notRun('envoy', target.why), notRun('traffic', target.why))
  } else {
    const live = await liveLayers(input, target.cluster, req, judges, out, config.layer.passed === true)
    hint = live?.hint ?? hint
    cause = live?.cause ?? cause
    if (config.layer.definite === true && out.layers.some((l) => l.layer === 'envoy' && l.passed === true)) {
      const kept =
        "The gateway's Envoy still answers with a certificate it loaded earlier; it keeps it only until the gateway restarts, so this does not count as working."
      out.detail.disagreement = `${config.layer.message}, yet ${kept.charAt(0).toLowerCase()}${kept.slice(1)}`
      hint = joinHints(hint, kept)
    }
  }
  if (hint !== undefined) {
    out.hint = hint
  }
  if (cause !== undefined) {
    out.cause = cause
  }
  return out
}

/** A live layer that did not run, and why. */
function notRun(layer: 'envoy' | 'traffic', why: string): LayerResult {
  return { layer, passed: undefined, message: why }
}

/** The result when the named Kubernetes Gateway has no proxy (missing, or a class Istio does not handle). */
function noProxy(req: GatewayRequest, why: NoProxy, live: boolean): LayeredResult {
  const message = why.message
  const hop = { port: req.port, listenPort: undefined, known: [] }
  // With a cluster, the live layers have nothing to read: say so rather than ask for a cluster.
  const liveLayer = (layer: 'envoy' | 'traffic') =>
    live ? notRun(layer, 'not run: no proxy serves this Gateway') : needsCluster(layer)
  return {
    layers: [ran('config', false, message), liveLayer('envoy'), liveLayer('traffic')],
    prediction: { hop, result: undefined },
    hint: why.hint,
    cause: why.cause,
    detail: {
      picture: picture(describeRequest(req), 'config', { hop: 'gateway-service', note: message }, false),
      explanation: [message],
      predicted: 'no proxy',
    },
  }
}

/** The prediction layer, with the TLS credential precondition of HTTPS requests. */
function configLayer(
  input: GraderInput,
  req: GatewayRequest,
  p: Prediction,
  judges: Judges,
): { layer: LayerResult; hint?: string; cause?: Cause; detail: LayeredResult['detail'] } {
  const o: Outcome = p.result ?? { status: 'connection_reset', reason: 'no_service_port' }
  const noPort = missingServicePort(p.hop, serviceName(input))
  const j = p.result === undefined ? { passed: false, message: noPort } : judges.config(o)
  const found = j.passed ? undefined : configHint(input, req, p, judges, o)
  let hint = found?.hint
  let cause = found?.cause
  let layer = ran('config', j.passed, j.message)
  const credential =
    req.https && p.result !== undefined ? credentialProblem(input, translationOf(input), p.result) : undefined
  if (credential !== undefined && j.passed) {
    // A fact about the learner's objects: Envoy serving a certificate it kept does not overrule it.
    layer = ranDefinite('config', credential.message)
    hint = credential.hint
    cause = 'tls-credential'
  }
  const detail = {
    picture: pictureOf(req, 'config', o, p),
    explanation: p.result?.explanation ?? [noPort],
    predicted: describeOutcome(o),
  }
  return {
    layer,
    ...(hint === undefined ? {} : { hint }),
    ...(cause === undefined ? {} : { cause }),
    detail,
  }
}

/** Envoy and traffic layers; returns a hint (and cause) that replaces the prediction's, if any. */
async function liveLayers(
  input: GraderInput,
  cluster: LiveCluster,
  req: GatewayRequest,
  judges: Judges,
  out: LayeredResult,
  predictedPass: boolean,
): Promise<{ hint: string; cause?: Cause } | undefined> {
  const { detail } = out
  let hint: { hint: string; cause?: Cause } | undefined
  const envoy = await envoyLayer(input, cluster, req, out.prediction, judges, predictedPass)
  out.layers.push(envoy.layer)
  if (envoy.outcome !== undefined) {
    out.envoy = envoy.outcome
    detail.envoy = describeOutcome(envoy.outcome)
    detail.picture = pictureOf(req, 'envoy', envoy.outcome, out.prediction)
    if (outcomeKey(envoy.outcome) !== outcomeKey(out.prediction.result ?? { status: 'connection_reset' })) {
      detail.disagreement = `Your resources predict ${detail.predicted}; the gateway's Envoy does ${detail.envoy}.`
      if (envoy.layer.passed === false && predictedPass) {
        hint = {
          hint: `${detail.disagreement} istiod may not have pushed your change yet (istioctl proxy-status), or the cluster holds other resources than your files (kubectl get gateway,virtualservice -A).`,
        }
      }
    }
  }
  const traffic = await trafficLayer(cluster, req, judges)
  if (traffic !== undefined) {
    out.layers.push(traffic)
    if (traffic.passed === false && hint === undefined && envoy.layer.passed !== false) {
      hint = {
        hint: `The configuration is right, but the real request failed: ${traffic.message}. Are the destination pods running and ready (kubectl get pods)?`,
        cause: 'traffic-failed',
      }
    }
  }
  return hint
}

function configHint(
  input: GraderInput,
  req: GatewayRequest,
  p: Prediction,
  judges: Judges,
  o: Outcome,
): { hint?: string; cause?: Cause } {
  const t = translationOf(input)
  const proto = protocolHint(t, req, p.hop)
  const rejected = rejectedNote(input)
  // On a Kubernetes Gateway, the status istiod would write names the field to fix.
  const status =
    req.gateway === undefined
      ? undefined
      : statusProblem(input, req.gateway, req.port, req.protocol === 'tcp' ? undefined : req.host)
  if (p.result === undefined) {
    if (status !== undefined) {
      return { hint: joinHints(status.message, status.hint) ?? status.hint, cause: status.cause }
    }
    return {
      ...withHint(joinHints(missingServicePort(p.hop, serviceName(input)), proto?.hint)),
      cause: 'port-not-on-service',
    }
  }
  // A destination other than the expected one is named with the expected one; misses are the core's.
  const wrong = judges.wrongTurn?.(o, t)
  const core = hintFromExplanation(input.model, p.result.explanationItems)
  // istiod's ResolvedRefs names one missing backend per route (the last); the request's own rule
  // names the one this request met, which is the one to fix for this check.
  const ownBackend = status?.cause === 'destination-not-found' && core !== undefined
  const statusHint = status === undefined ? undefined : joinHints(status.message, status.hint)
  const main = ownBackend ? core : (statusHint ?? proto?.hint ?? wrong ?? core)
  const related = status === undefined ? relatedReference(input, main) : undefined
  const cause: Cause | undefined =
    status?.cause ??
    proto?.cause ??
    (wrong !== undefined
      ? (judges.wrongTurnCause?.(o, t) ?? 'wrong-destination')
      : (preciseCause(p.result.explanationItems) ?? related?.cause ?? causeFromExplanation(p.result.explanationItems)))
  const joined = joinHints(main, main?.includes('IST0106') === true ? undefined : rejected, related?.hint)
  // On a Kubernetes Gateway, name the learner's HTTPRoute rules instead of istiod's generated objects.
  const hint = joined === undefined || req.gateway === undefined ? joined : inLearnerTerms(input, joined)
  return { ...withHint(hint), ...(cause === undefined ? {} : { cause }) }
}

/** The gateway Service a client uses, for messages. */
function serviceName(input: GraderInput): string {
  if (input.proxyOf === undefined) {
    return 'The istio-ingressgateway Service'
  }
  return `The Service of Gateway ${input.proxyOf}`
}

function withHint(hint: string | undefined): { hint?: string } {
  return hint === undefined ? {} : { hint }
}

/**
 * A dangling reference (IST0101/IST0132) of the learner's VirtualServices the hint does not name
 * yet; it is also the cause when the explanation only knows the hop (no listener, no host).
 */
function relatedReference(input: GraderInput, main: string | undefined): { hint: string; cause: Cause } | undefined {
  const f = learnerFindings(input).find(
    (x) => (x.code === 'IST0101' || x.code === 'IST0132') && x.path?.startsWith('spec.gateways') === true,
  )
  if (
    f === undefined ||
    main?.includes(`${f.resource.namespace}/${f.resource.name} spec.gateways`) === true ||
    main?.includes('does not exist') === true
  ) {
    return undefined
  }
  return { hint: `Related: ${hintFromFinding(f)}`, cause: f.code === 'IST0101' ? 'gateway-not-found' : 'host-mismatch' }
}

/** The learner's resources istiod rejects: often the reason a request finds nothing. */
function rejectedNote(input: GraderInput): string | undefined {
  const f = learnerFindings(input).find((x) => x.code === 'IST0106')
  return f === undefined ? undefined : `Also: istiod rejects one of your resources. ${hintFromFinding(f)}`
}

/** One config_dump per grader input (a step's checks share it); a newer one after a wait replaces it. */
const dumps = new WeakMap<LiveCluster, { input: object; dump: Promise<unknown> }>()

function dumpFor(cluster: LiveCluster, input: object): Promise<unknown> {
  const hit = dumps.get(cluster)
  if (hit !== undefined && hit.input === input) {
    return hit.dump
  }
  const dump = cluster.configDump()
  dumps.set(cluster, { input, dump })
  return dump
}

async function envoyLayer(
  input: GraderInput,
  cluster: LiveCluster,
  req: GatewayRequest,
  p: Prediction,
  judges: Judges,
  predictedPass: boolean,
): Promise<{ layer: LayerResult; outcome?: EnvoyOutcome }> {
  const listenPort = p.hop.listenPort ?? req.port
  const evaluate = (json: unknown): EnvoyOutcome | string => {
    const dump = readDump(json)
    return typeof dump === 'string' ? dump : simulateOnDump(dump, req, listenPort)
  }
  let result: EnvoyOutcome | string
  try {
    result = evaluate(await dumpFor(cluster, input))
    if (typeof result !== 'string' && judges.config(result).passed !== predictedPass) {
      const waited = await cluster.waitForEnvoy((json) => {
        const r = evaluate(json)
        return typeof r !== 'string' && judges.config(r).passed === predictedPass
      }, PROPAGATION_WAIT_MS)
      result = evaluate(waited.dump)
      dumps.set(cluster, { input, dump: Promise.resolve(waited.dump) })
    }
  } catch (err) {
    // A Kubernetes Gateway's Envoy the platform cannot read (no admin access, no Ready pod): this
    // layer says why and the traffic layer still runs. The ingress gateway's keeps failing the check.
    if (req.gateway === undefined || !isAppError(err)) {
      throw err
    }
    // The press's other checks share this failed read (dumpFor), rather than each waiting for its own.
    return { layer: notRun('envoy', `not run: ${err.message}${err.hint ? ` ${err.hint}` : ''}`) }
  }
  if (typeof result === 'string') {
    return {
      layer: { layer: 'envoy', passed: undefined, message: `could not read the gateway's config_dump: ${result}` },
    }
  }
  const j = judges.config(result)
  return { layer: ran('envoy', j.passed, j.message), outcome: result }
}

async function trafficLayer(
  cluster: LiveCluster,
  req: GatewayRequest,
  judges: Judges,
): Promise<LayerResult | undefined> {
  if (req.protocol === 'tcp') {
    return undefined
  }
  if (judges.http === undefined) {
    return undefined
  }
  const probe = await cluster.httpProbe({
    port: req.port,
    host: req.host,
    path: req.path,
    method: req.method,
    headers: req.headers,
    https: req.https,
    sni: req.sni,
    timeoutMs: 5000,
  })
  const j = judges.http(probe)
  // Say which way the probe went when it was not the gateway's usual address (a port-forward).
  return ran('traffic', j.passed, probe.via ? `${j.message}, through ${probe.via}` : j.message)
}

function pictureOf(req: GatewayRequest, layer: 'config' | 'envoy', o: Outcome, p: Prediction): PathPicture {
  const reached = p.hop.listenPort !== undefined
  const stop = stopOf(
    o.status === 200 || (typeof o.status === 'number' && o.reason === undefined) ? undefined : o.reason,
    reached,
  )
  return picture(describeRequest(req), layer, stop, false)
}

/** The translation, for kinds that need more than the request outcome. */
export { translationOf }
