// Compares the Envoy config kindlab predicted with what Envoy actually holds (route configs,
// virtual hosts, routes, listeners, filter chains, clusters) and lists each difference with a
// sentence. Envoy wins when they disagree; the caller logs these. Pure.
import type { ConfigDump } from './configdump.ts'
import { toEnvoyView } from './configdump.ts'
import { diffListeners } from './diff-listeners.ts'
import { diffRouteConfigs } from './diff-routes.ts'
import type { EnvoyDifference } from './difference.ts'
import type { ListenerSummary, RouteConfiguration } from './types.ts'

export type { DifferenceScope, EnvoyDifference } from './difference.ts'

/** Envoy config as `kindlab simulate --json` and `kindlab routes --json` print it. */
export interface EnvoyConfigView {
  listeners?: readonly ListenerSummary[]
  routeConfigs: Readonly<Record<string, RouteConfiguration>>
  clusters?: readonly string[]
}

/** What to compare. Route configs are always compared. */
export interface DiffOptions {
  /** Compare listeners and filter chains. @default true when both sides have listeners */
  listeners?: boolean
  /** Report predicted clusters Envoy lacks (Envoy's extra clusters are normal and ignored). @default true when both sides have clusters */
  clusters?: boolean
}

/**
 * Differences between a prediction and Envoy's config, ordered route configs, listeners, clusters.
 * @example diffEnvoy({ listeners, routeConfigs, clusters }, toEnvoyView(parseConfigDump(json)))
 */
export function diffEnvoy(
  predicted: EnvoyConfigView,
  actual: EnvoyConfigView,
  options: DiffOptions = {},
): EnvoyDifference[] {
  const out = diffRouteConfigs(predicted.routeConfigs, actual.routeConfigs)
  const compareListeners = options.listeners ?? (predicted.listeners !== undefined && actual.listeners !== undefined)
  if (compareListeners) {
    out.push(...diffListeners(predicted.listeners ?? [], actual.listeners ?? []))
  }
  const compareClusters = options.clusters ?? (predicted.clusters !== undefined && actual.clusters !== undefined)
  if (compareClusters) {
    out.push(...missingClusters(predicted.clusters ?? [], actual.clusters ?? []))
  }
  return out
}

/** diffEnvoy against a parsed dump, comparing only the sections the dump has. */
export function diffAgainstDump(predicted: EnvoyConfigView, dump: ConfigDump): EnvoyDifference[] {
  const view = toEnvoyView(dump)
  // Envoy never asks for the routes of a listener it refused: they are not expected.
  const asked = new Set(
    dump.listeners.filter((l) => l.rejected !== true).flatMap((l) => l.listener.filter_chains.map(rdsName)),
  )
  const refusedOnly = dump.listeners
    .filter((l) => l.rejected === true)
    .flatMap((l) => l.listener.filter_chains.map(rdsName))
    .filter((name) => name !== undefined && !asked.has(name))
  if (refusedOnly.length > 0) {
    const routeConfigs = Object.fromEntries(
      Object.entries(predicted.routeConfigs).filter(([name]) => !refusedOnly.includes(name)),
    )
    predicted = { ...predicted, routeConfigs }
  }
  return diffEnvoy(predicted, view, {
    listeners: dump.has.listeners && predicted.listeners !== undefined,
    clusters: dump.has.clusters && predicted.clusters !== undefined,
  })
}

const rdsName = (chain: ListenerSummary['filter_chains'][number]): string | undefined => chain.route_config_name

function missingClusters(predicted: readonly string[], actual: readonly string[]): EnvoyDifference[] {
  const present = new Set(actual)
  return [...new Set(predicted)]
    .filter((name) => !present.has(name))
    .map((name) => ({
      kind: 'missing' as const,
      scope: 'cluster' as const,
      location: name,
      predicted: name,
      message: `Envoy has no cluster ${name}, which kindlab predicted; requests routed to it get 503.`,
    }))
}
