// Check kind `tcp`: a TCP connection to a port of the ingress gateway reaches the expected Service
// (predicted tcp_proxy, then Envoy's), and with a live cluster a real exchange answers as expected
// (e.g. Redis: send PING, receive +PONG).
import { Type, type Static } from '@sinclair/typebox'
import { AppError } from '../../../errors.ts'
import type { CheckKind, LayerResult } from '../../types.ts'
import type { LiveCluster } from '../../live-services.ts'
import { GATEWAY_API_KINDS } from '../../../grader/judge/gateway-api.ts'
import { MODEL_READS, graderInput } from '../../grader-input.ts'
import { judgeRoute, type Judgement, wrongTurnCause, wrongTurnHint } from '../../../grader/judge/judge.ts'
import { runLayers } from './layered.ts'
import { liveClusterFor } from './live-target.ts'
import { describeRequest, gatewayParam, type GatewayRequest } from '../../../grader/judge/request.ts'
import { outcome, ran } from '../../../grader/judge/verdict.ts'

const params = Type.Object(
  {
    port: Type.Union(
      [
        Type.Integer({ minimum: 1, maximum: 65535 }),
        // A lab variable such as ${TRAINEE_TCP_PORT} (each trainee of a class gets their own port).
        Type.String({ pattern: '^(\\$\\{[A-Z][A-Z0-9_]*\\}|[1-9][0-9]{0,4})$' }),
      ],
      { description: 'Port of the istio-ingressgateway Service the client connects to, or a ${VARIABLE} holding it.' },
    ),
    expect: Type.Object(
      {
        service: Type.String({
          minLength: 1,
          description: 'Destination Service: short name (learner namespace) or FQDN.',
        }),
        namespace: Type.Optional(Type.String({ minLength: 1 })),
        port: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535 })),
      },
      { additionalProperties: false },
    ),
    send: Type.Optional(Type.String({ description: 'Bytes to send once connected (YAML escapes like "PING\\r\\n").' })),
    receive: Type.Optional(Type.String({ description: 'Regular expression the answer must match.' })),
    timeoutMs: Type.Integer({ minimum: 100, maximum: 30000, default: 3000, description: 'Probe timeout.' }),
    gateway: Type.Optional(gatewayParam()),
  },
  { additionalProperties: false },
)

/** A TCP port of the gateway leads to the expected Service, and it answers. */
export const tcpCheck: CheckKind<Static<typeof params>> = {
  kind: 'tcp',
  description:
    'A TCP connection to a gateway port is proxied to the expected Service; with a cluster, a real exchange (send/receive) succeeds.',
  paramsSchema: params,
  reads: (p) => (p.gateway === undefined ? MODEL_READS : [...MODEL_READS, ...GATEWAY_API_KINDS]),
  async run(params, ctx) {
    const p = { ...params, port: portNumber(params.port) }
    const input = await graderInput(ctx)
    const req: GatewayRequest = {
      port: p.port,
      host: '',
      path: '/',
      method: 'GET',
      headers: {},
      https: false,
      sni: '',
      protocol: 'tcp',
      ...(p.gateway === undefined ? {} : { gateway: p.gateway }),
    }
    const ns = input.learnerNamespace
    const result = await runLayers(input, req, {
      config: (o) => judgeRoute(o, p.expect, ns),
      wrongTurn: (o, t) => wrongTurnHint(t, o, p.expect, ns),
      wrongTurnCause: (o, t) => wrongTurnCause(t, o, p.expect),
    })
    const layers = result.layers.filter((l) => l.layer !== 'traffic')
    let hint = result.hint
    let cause = result.cause
    // The ingress gateway, or a Kubernetes Gateway's own proxy (live-target.ts).
    const target = liveClusterFor(input, req)
    if ('why' in target) {
      layers.push({ layer: 'traffic', passed: undefined, message: target.why })
    } else {
      const traffic = await exchange(target.cluster, p)
      layers.push(traffic)
      if (traffic.passed === false && hint === undefined) {
        cause = 'traffic-failed'
        hint = `Envoy proxies port ${p.port} to ${p.expect.service}, but the exchange failed: ${traffic.message}. Is the ${p.expect.service} pod running?`
      }
    }
    const what = req.gateway === undefined ? `TCP to gateway port ${p.port}` : describeRequest(req)
    const failed = layers.find((l) => l.passed === false)
    const last = [...layers].reverse().find((l) => l.passed === true)
    return outcome(
      layers,
      { passed: `${what}: ${last?.message ?? 'ok'}.`, failed: `${what}: ${failed?.message ?? 'no layer could run'}.` },
      hint,
      result.detail,
      cause,
    )
  },
}

/** The port once lab variables are substituted (a check's parameters are validated before that). */
function portNumber(port: number | string): number {
  const n = Number(port)
  if (!Number.isInteger(n) || n < 1 || n > 65535) {
    throw new AppError('LAB_ERR_LAB_INVALID', {
      message: `The tcp check's port "${String(port)}" is not a port number.`,
      hint: 'Give a number from 1 to 65535, or a lab variable that holds one (declared under `variables:`).',
    })
  }
  return n
}

async function exchange(
  cluster: LiveCluster,
  p: Omit<Static<typeof params>, 'port'> & { port: number },
): Promise<LayerResult> {
  const probe = await cluster.tcpProbe({
    port: p.port,
    ...(p.send === undefined ? {} : { send: p.send }),
    timeoutMs: p.timeoutMs,
  })
  const j = judgeExchange(probe.connected, probe.received, probe.error, p.receive)
  // Say which way the probe went when it was not the gateway's usual address (a port-forward).
  return ran('traffic', j.passed, probe.via ? `${j.message}, through ${probe.via}` : j.message)
}

/** Judges a real TCP exchange. */
export function judgeExchange(
  connected: boolean,
  received: string,
  error: string | undefined,
  receive: string | undefined,
): Judgement {
  if (!connected) {
    return { passed: false, message: `could not connect (${error ?? 'refused'})` }
  }
  if (receive === undefined) {
    return { passed: true, message: 'connected' }
  }
  const passed = new RegExp(receive, 'm').test(received)
  const shown = JSON.stringify(received.slice(0, 60))
  return {
    passed,
    message: passed
      ? `answered ${shown}`
      : `answered ${shown}, not the answer the check expects${error === undefined ? '' : ` (${error})`}`,
  }
}
