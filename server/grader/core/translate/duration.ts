// Converts Istio duration strings (`10s`, `1.5s`, `500ms`, `1m`) into the protobuf JSON form
// Envoy prints in a config_dump (`10s`, `1.500s`, `0.500s`, `60s`). Pure.

const units: Record<string, number> = { h: 3600e9, m: 60e9, s: 1e9, ms: 1e6, us: 1e3, µs: 1e3, ns: 1 }

/** Nanoseconds of a Go/protobuf style duration, or undefined when it cannot be read. */
export function parseDurationNanos(text: string): number | undefined {
  const re = /(\d+(?:\.\d+)?)(h|ms|us|µs|ns|m|s)/g
  let total = 0
  let consumed = 0
  for (const m of text.trim().matchAll(re)) {
    if (m.index !== consumed) {
      return undefined
    }
    total += Number(m[1]) * (units[m[2] ?? 's'] ?? 0)
    consumed += m[0].length
  }
  return consumed === text.trim().length && consumed > 0 ? Math.round(total) : undefined
}

/** `1.5s` → `1.500s`; unreadable input is returned unchanged. */
export function durationJSON(text: string): string {
  const ns = parseDurationNanos(text)
  if (ns === undefined) {
    return text
  }
  const seconds = Math.floor(ns / 1e9)
  const frac = ns % 1e9
  if (frac === 0) {
    return `${seconds}s`
  }
  const digits = frac % 1e6 === 0 ? 3 : frac % 1e3 === 0 ? 6 : 9
  const fracText = String(frac).padStart(9, '0').slice(0, digits)
  return `${seconds}.${fracText}s`
}
