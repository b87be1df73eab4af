// Runs one request on every layer a check has: the prediction (always), the gateway's real Envoy
// config_dump and real traffic (with a live cluster). Envoy wins over the prediction; when they
// disagree the check waits briefly for istiod's push, then records the difference in `detail`.
import type { LayerResult } from '../../types.ts'
import type { GraderInput } from '../../grader-input.ts'
import type { HttpProbeResult, LiveCluster, TcpProbeResult } from '../../live-services.ts'
import { type EnvoyOutcome, outcomeKey, readDump, simulateOnDump } from './envoy-layer.ts'
import { hintFromExplanation, joinHints } from './explain-hint.ts'
import { describeOutcome, type Judgement, type Outcome } from './judge.ts'
import { missingServicePort, type Prediction, predict, translationOf } from './predict.ts'
import { describeRequest, type GatewayRequest } from './request.ts'
import { needsCluster, picture, type PathPicture, ran, stopOf } from './verdict.ts'

/** How long a check waits for istiod to push a change before trusting Envoy's older answer. */
export const PROPAGATION_WAIT_MS = 8000

/** What a layered run found. */
export interface LayeredResult {
  layers: LayerResult[]
  prediction: Prediction
  envoy?: EnvoyOutcome
  /** The specific hint (core explanation first), when a layer failed. */
  hint?: string
  detail: { picture: PathPicture; explanation: string[]; predicted: string; envoy?: string; disagreement?: string }
}

/** The judges of one check: configuration outcomes, and (optionally) real traffic. */
export interface Judges {
  config(o: Outcome): Judgement
  /** Extra hint for a routed-but-wrong outcome (the core explains only misses). */
  wrongTurn?(o: Outcome): string | undefined
  http?(probe: HttpProbeResult): Judgement
  tcp?(probe: TcpProbeResult): Judgement
}

/** Runs `req` through the layers. */
export async function runLayers(input: GraderInput, req: GatewayRequest, judges: Judges): Promise<LayeredResult> {
  const prediction = predict(input, req)
  const configResult: Outcome = prediction.result ?? { status: 'connection_reset', reason: 'no_service_port' }
  const cj =
    prediction.result === undefined
      ? { passed: false, message: missingServicePort(prediction.hop) }
      : judges.config(configResult)
  const layers: LayerResult[] = [ran('config', cj.passed, cj.message)]
  const explanation = prediction.result?.explanation ?? [missingServicePort(prediction.hop)]
  let hint = cj.passed ? undefined : configHint(input, prediction, judges, configResult)
  const detail: LayeredResult['detail'] = {
    picture: pictureOf(req, 'config', configResult, prediction),
    explanation,
    predicted: describeOutcome(configResult),
  }
  const out: LayeredResult = { layers, prediction, detail }
  const cluster = input.cluster
  if (cluster === undefined) {
    layers.push(needsCluster('envoy'), needsCluster('traffic'))
  } else {
    const envoy = await envoyLayer(cluster, req, prediction, judges, cj.passed)
    layers.push(envoy.layer)
    if (envoy.outcome !== undefined) {
      out.envoy = envoy.outcome
      detail.envoy = describeOutcome(envoy.outcome)
      detail.picture = pictureOf(req, 'envoy', envoy.outcome, prediction)
      if (outcomeKey(envoy.outcome) !== outcomeKey(configResult)) {
        detail.disagreement = `Your resources predict ${detail.predicted}; the gateway's Envoy does ${detail.envoy}.`
        if (envoy.layer.passed === false && cj.passed) {
          hint = `${detail.disagreement} istiod may not have pushed your change yet (istioctl proxy-status), or the cluster holds other resources than your files (kubectl get gateway,virtualservice -A).`
        }
      }
    }
    const traffic = await trafficLayer(cluster, req, judges)
    if (traffic !== undefined) {
      layers.push(traffic)
      if (traffic.passed === false && hint === undefined) {
        hint = `The configuration is right, but the real request failed: ${traffic.message}. Are the destination pods running and ready (kubectl get pods)?`
      }
    }
  }
  if (hint !== undefined) {
    out.hint = hint
  }
  return out
}

function configHint(input: GraderInput, p: Prediction, judges: Judges, o: Outcome): string | undefined {
  if (p.result === undefined) {
    return missingServicePort(p.hop)
  }
  const core = hintFromExplanation(input.model, p.result.explanationItems)
  const wrong = judges.wrongTurn?.(o)
  return joinHints(wrong, wrong === undefined ? core : undefined) ?? core
}

async function envoyLayer(
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
  let result = evaluate(await cluster.configDump())
  if (typeof result !== 'string' && judges.config(result).passed !== predictedPass) {
    const waited = await cluster.waitForEnvoy((json) => {
      const r = evaluate(json)
      return typeof r !== 'string' && judges.config(r).passed === predictedPass
    }, PROPAGATION_WAIT_MS)
    result = evaluate(waited.dump)
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
  return ran('traffic', j.passed, j.message)
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
