// Reads a mistake file of a lab (labs/<id>/mistakes/NN-step/*.yaml): its leading comments say what
// the mistake is and which checks must fail with a hint matching a pattern:
//   # mistake: the VirtualService has no gateways field
//   # fails: shop-route /gateways/ because no-gateways
// (the pattern is matched against the grader's finding and the hint; the cause is the one the
// check must report, which picks the lab's written hint). Test helper only.

/** One declared failure: the check id, the pattern its finding must match, and its cause. */
export interface ExpectedFailure {
  check: string
  hint: RegExp
  cause: string | undefined
}

/** A mistake file with its declarations. */
export interface Mistake {
  step: string
  file: string
  what: string
  fails: ExpectedFailure[]
  text: string
}

/** Parses the `# mistake:` and `# fails: <check> /<regex>/[flags] because <cause>` header lines. */
export function parseMistake(step: string, file: string, text: string): Mistake {
  const fails: ExpectedFailure[] = []
  let what = ''
  for (const line of text.split('\n')) {
    if (!line.startsWith('#')) {
      break
    }
    const m = /^#\s*mistake:\s*(.+)$/.exec(line)
    if (m?.[1] !== undefined) {
      what = m[1].trim()
    }
    const f = /^#\s*fails:\s*([a-z0-9-]+)\s+\/(.+)\/([a-z]*)(?:\s+because\s+([A-Za-z0-9-]+))?\s*$/.exec(line)
    if (f?.[1] !== undefined && f[2] !== undefined) {
      fails.push({ check: f[1], hint: new RegExp(f[2], f[3] ?? ''), cause: f[4] })
    }
  }
  if (what === '') {
    throw new Error(`${step}/${file}: the first lines must say "# mistake: <what>"`)
  }
  return { step, file, what, fails, text }
}
