// One difference between the Envoy config kindlab predicted and the one Envoy holds (diff.ts and
// its helpers produce them). Pure types.

/** Which level of the config a difference is at. */
export type DifferenceScope = 'routeConfig' | 'virtualHost' | 'route' | 'listener' | 'filterChain' | 'cluster'

/** One way the prediction and Envoy disagree. */
export interface EnvoyDifference {
  /** `missing`: predicted, not in Envoy; `extra`: in Envoy, not predicted; `changed`: both, different. */
  kind: 'missing' | 'extra' | 'changed'
  scope: DifferenceScope
  /** Where, e.g. `http.8080 / shop.example.com:80 / route 2`. */
  location: string
  /** For `changed`: which property, e.g. `domains`, `action`, `position`, `tls`. */
  field?: string
  predicted?: unknown
  actual?: unknown
  /** One sentence for logs and explanations. */
  message: string
}
