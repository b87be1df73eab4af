// istiod's stable ordering of configuration objects: creation time, then name, then namespace
// (model configCompareByCreationTime, spec §1.6 and rule 2). Pure.

interface Ordered {
  metadata: { name: string; namespace: string; creationTimestamp?: string }
}

/** Sort comparator: older first; equal (or absent) times fall back to name, then namespace. */
export function compareByCreation(a: Ordered, b: Ordered): number {
  const ta = timeOf(a.metadata.creationTimestamp)
  const tb = timeOf(b.metadata.creationTimestamp)
  if (ta !== tb) return ta < tb ? -1 : 1
  if (a.metadata.name !== b.metadata.name) return a.metadata.name < b.metadata.name ? -1 : 1
  if (a.metadata.namespace !== b.metadata.namespace) return a.metadata.namespace < b.metadata.namespace ? -1 : 1
  return 0
}

function timeOf(ts: string | undefined): number {
  if (ts === undefined) return 0
  const ms = Date.parse(ts)
  return Number.isNaN(ms) ? 0 : ms
}
