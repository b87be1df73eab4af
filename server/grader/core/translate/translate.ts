// The translation entry point: from a ResourceModel to what istiod sends the ingress gateway
// (listeners, route configurations, clusters), plus the intermediate facts (selected gateways,
// merged servers, VirtualService bindings, route provenance) that simulation and explanations
// need. Pure and deterministic.
import type { ListenerSummary, Route, RouteConfiguration } from '../envoy/types.ts'
import type { ResourceModel } from '../model/index.ts'
import { environmentFromModel, type GatewayEnvironment } from './env.ts'
import { type GatewaySelection, selectGateways, type ServiceTarget, serviceTargets } from './gateway-select.ts'
import type { DroppedMatch, RouteOrigin } from './http-route.ts'
import { buildListeners, type ListenerInfo } from './listeners.ts'
import type { MergedGateway } from './merged.ts'
import { mergeGateways } from './merge-servers.ts'
import { type ResolvedVirtualService, resolveVirtualServices } from './resolve-vs.ts'
import { type BuiltRouteConfig, buildRouteConfig } from './route-config.ts'
import { ServiceRegistry } from './services.ts'
import { VirtualServiceIndex } from './vs-index.ts'

export interface TranslateOptions {
  /** Overrides of the assumed gateway environment (pod, domain suffix). */
  environment?: Partial<GatewayEnvironment>
}

/** Everything the gateway's Envoy receives, and how it came to be. */
export interface Translation {
  env: GatewayEnvironment
  listeners: ListenerInfo[]
  /** Route configurations by name, in the order the servers created them. */
  routeConfigs: Map<string, BuiltRouteConfig>
  /** Cluster names present in CDS (spec §1.7). */
  clusters: string[]
  registry: ServiceRegistry
  index: VirtualServiceIndex
  virtualServices: ResolvedVirtualService[]
  selections: GatewaySelection[]
  targets: ServiceTarget[]
  merged: MergedGateway
  /** Provenance of every generated HTTP route. */
  origins: Map<Route, RouteOrigin>
  dropped: DroppedMatch[]
}

/**
 * Translates the model for the ingress gateway.
 * @example const t = translate(parseResources(yamlText)); listenerSummaries(t)
 */
export function translate(model: ResourceModel, options: TranslateOptions = {}): Translation {
  const env = environmentFromModel(model, options.environment)
  const registry = new ServiceRegistry(model, env)
  const targets = serviceTargets(model, env)
  const selections = selectGateways(model, env, targets)
  const merged = mergeGateways(selections)
  const virtualServices = resolveVirtualServices(model.virtualServices, env.domainSuffix)
  const index = new VirtualServiceIndex(virtualServices, env.pod.namespace)
  const routeConfigs = new Map<string, BuiltRouteConfig>()
  const origins = new Map<Route, RouteOrigin>()
  const dropped: DroppedMatch[] = []
  const ctx = { index, registry, proxyLabels: env.pod.labels, proxyNamespace: env.pod.namespace }
  for (const [name, servers] of merged.byRouteName) {
    const built = buildRouteConfig(name, servers, ctx)
    routeConfigs.set(name, built)
    for (const [r, o] of built.origins) {
      origins.set(r, o)
    }
    dropped.push(...built.dropped)
  }
  const listeners = buildListeners(merged, { index, registry, sniByPort: new Map() })
  return {
    env,
    listeners,
    routeConfigs,
    clusters: registry.clusterNames(),
    registry,
    index,
    virtualServices,
    selections,
    targets,
    merged,
    origins,
    dropped,
  }
}

/** The listeners in the CLI contract shape. */
export function listenerSummaries(t: Translation): ListenerSummary[] {
  return t.listeners.map((l) => l.summary)
}

/** Route configurations in Envoy's config_dump shape, keyed by name (only those a listener uses). */
export function routeConfigurations(t: Translation): Record<string, RouteConfiguration> {
  const used = new Set(
    t.listeners.flatMap((l) =>
      l.chains.map((c) => c.summary.route_config_name).filter((n): n is string => n !== undefined),
    ),
  )
  const out: Record<string, RouteConfiguration> = {}
  for (const [name, built] of t.routeConfigs) {
    if (used.has(name)) {
      out[name] = built.config
    }
  }
  return out
}
