// istiod's stable ordering of configuration objects: creation time, then name, then namespace
// (model configCompareByCreationTime, spec §1.6 and rule 2). Pure.

interface Ordered {
  metadata: { name: string; namespace: string; creationTimestamp?: string }
}

/** Sort comparator: older first; equal (or absent) times fall back to name, then namespace. */
export function compareByCreation(a: Ordered, b: Ordered): number {
  const ta = timeOf(a.metadata.creationTimestamp)
  const tb = timeOf(b.metadata.creationTimestamp)
  if (ta !== tb) {
    return ta < tb ? -1 : 1
  }
  if (a.metadata.name !== b.metadata.name) {
    return a.metadata.name < b.metadata.name ? -1 : 1
  }
  if (a.metadata.namespace !== b.metadata.namespace) {
    return a.metadata.namespace < b.metadata.namespace ? -1 : 1
  }
  return 0
}

/** Milliseconds since the epoch of an RFC 3339 timestamp (0 when absent or unreadable). */
export function timeOf(ts: string | undefined): number {
  if (ts === undefined) {
    return 0
  }
  const m = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|z|[+-]\d{2}:\d{2})?$/.exec(ts.trim())
  if (m === null) {
    return 0
  }
  const [y, mo, d, h, mi, s] = [1, 2, 3, 4, 5, 6].map((i) => Number(m[i]))
  const frac = m[7] === undefined ? 0 : Math.round(Number(m[7]) * 1000)
  const tz =
    m[8] === undefined || /^[Zz]$/.test(m[8])
      ? 0
      : (m[8].startsWith('-') ? -1 : 1) * (Number(m[8].slice(1, 3)) * 60 + Number(m[8].slice(4, 6)))
  const days = daysFromCivil(y ?? 1970, mo ?? 1, d ?? 1)
  return (((days * 24 + (h ?? 0)) * 60 + (mi ?? 0) - tz) * 60 + (s ?? 0)) * 1000 + frac
}

/** Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm). */
function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y
  const era = Math.floor(yy / 400)
  const yoe = yy - era * 400
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy
  return era * 146097 + doe - 719468
}
