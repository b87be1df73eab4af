// Kubernetes equality label selectors as istioctl's gateway analyzers use them: the canonical
// `k1=v1,k2=v2` string (keys sorted) and subset matching. Pure.
import type { Finding } from '../core/findings.ts'
import type { Gateway } from '../core/model/index.ts'
import { messages, report } from './messages.ts'

/** `{istio: ingressgateway, app: x}` → `app=x,istio=ingressgateway`; empty or absent → ``. */
export function selectorString(selector: Readonly<Record<string, string>> | undefined): string {
  return Object.keys(selector ?? {})
    .sort()
    .map((k) => `${k}=${selector?.[k] ?? ''}`)
    .join(',')
}

/** True when every selector label is on the object; an empty selector matches everything. */
export function selectorMatches(
  selector: Readonly<Record<string, string>> | undefined,
  labels: Readonly<Record<string, string>>,
): boolean {
  return Object.entries(selector ?? {}).every(([k, v]) => labels[k] === v)
}

/** IST0101 for a Gateway whose selector matches no gateway workload (shared by two analyzers). */
export function selectorNotFound(gateway: Gateway): Finding {
  const selector = selectorString(gateway.spec.selector)
  return report(messages.ReferencedResourceNotFound, gateway, {
    path: 'spec.selector',
    message: `No gateway Pod has the labels ${selector} that the Gateway selects, so no proxy uses this Gateway.`,
    hint: 'Copy the labels of the ingress gateway Pod (kubectl get pods -n istio-system --show-labels); a stock install uses istio: ingressgateway.',
  })
}
