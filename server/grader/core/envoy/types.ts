// Envoy's own JSON shapes (snake_case, as in an admin /config_dump), limited to what an Istio
// ingress gateway uses. Shared by the predictor (translate) and the config_dump reader. Pure types.

export interface StringMatcher {
  exact?: string
  prefix?: string
  suffix?: string
  contains?: string
  safe_regex?: { regex: string }
  ignore_case?: boolean
}

export interface HeaderMatcher {
  name: string
  string_match?: StringMatcher
  present_match?: boolean
  invert_match?: boolean
  treat_missing_header_as_empty?: boolean
}

export interface QueryParameterMatcher {
  name: string
  string_match?: StringMatcher
  present_match?: boolean
}

export interface RouteMatch {
  prefix?: string
  path?: string
  safe_regex?: { regex: string }
  path_separated_prefix?: string
  case_sensitive?: boolean
  headers?: HeaderMatcher[]
  query_parameters?: QueryParameterMatcher[]
  /** JWT-claim matches (istio `@request.auth.claims.*` headers); never met by a plain request. */
  dynamic_metadata?: unknown[]
}

export interface HeaderValueOption {
  header: { key: string; value: string }
  append_action?: 'APPEND_IF_EXISTS_OR_ADD' | 'OVERWRITE_IF_EXISTS_OR_ADD' | 'ADD_IF_ABSENT'
}

export interface WeightedClusterEntry {
  name: string
  weight: number
  host_rewrite_literal?: string
  request_headers_to_add?: HeaderValueOption[]
  request_headers_to_remove?: string[]
  response_headers_to_add?: HeaderValueOption[]
  response_headers_to_remove?: string[]
}

export interface RouteAction {
  cluster?: string
  weighted_clusters?: { clusters: WeightedClusterEntry[]; total_weight?: number }
  prefix_rewrite?: string
  regex_rewrite?: { pattern: { regex: string }; substitution: string }
  host_rewrite_literal?: string
  timeout?: string
  [extra: string]: unknown
}

export interface RedirectAction {
  path_redirect?: string
  prefix_rewrite?: string
  host_redirect?: string
  scheme_redirect?: string
  https_redirect?: boolean
  port_redirect?: number
  response_code?: 'MOVED_PERMANENTLY' | 'FOUND' | 'SEE_OTHER' | 'TEMPORARY_REDIRECT' | 'PERMANENT_REDIRECT'
}

export interface DirectResponseAction {
  status: number
  body?: { inline_string?: string; inline_bytes?: string }
}

export interface Route {
  name?: string
  match: RouteMatch
  route?: RouteAction
  redirect?: RedirectAction
  direct_response?: DirectResponseAction
  request_headers_to_add?: HeaderValueOption[]
  request_headers_to_remove?: string[]
  response_headers_to_add?: HeaderValueOption[]
  response_headers_to_remove?: string[]
  /** Istio stamps `filter_metadata.istio.config` with the VirtualService's API path. */
  metadata?: { filter_metadata?: { istio?: { config?: string } } }
  decorator?: { operation: string }
  [extra: string]: unknown
}

export interface VirtualHost {
  name: string
  domains: string[]
  routes: Route[]
  require_tls?: 'ALL' | 'EXTERNAL_ONLY' | 'NONE'
  include_request_attempt_count?: boolean
}

export interface RouteConfiguration {
  name: string
  virtual_hosts: VirtualHost[]
  validate_clusters?: boolean
  ignore_port_in_host_matching?: boolean
  max_direct_response_body_size_bytes?: number
}

export interface TcpProxySummary {
  cluster?: string
  weighted_clusters?: { clusters: Array<{ name: string; weight: number }> }
}

/** A filter chain as kindlab reports it (the CLI contract), not Envoy's full object. */
export interface FilterChainSummary {
  server_names: string[]
  tls: 'terminate' | 'passthrough' | null
  route_config_name?: string
  tcp_proxy?: TcpProxySummary
}

/** A listener as kindlab reports it (the CLI contract). */
export interface ListenerSummary {
  name: string
  address: string
  port: number
  filter_chains: FilterChainSummary[]
}
