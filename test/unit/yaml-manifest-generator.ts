// Seeded generator of manifest-shaped YAML for the fast path's property test: block mappings and
// sequences (indented, indentless, compact `- key:` and `- - x`), flow collections on one line or
// several, plain scalars in YAML 1.1 forms, quoted scalars with escapes, literal blocks with every
// chomping, comments, blank lines, 2- and 4-space indentation, several documents. Same seed, same files.

const pick = <T>(rnd: () => number, list: readonly T[]): T => list[Math.floor(rnd() * list.length)] as T

// Mostly what manifests hold; now and then (EDGE) what sends a document to the full reader or
// means something else to kubectl than it seems: aliases, tags, `: ` in a value, NaN, repeats.
const KEYS = [
  'name',
  'namespace',
  'spec',
  'hosts',
  'port',
  'number',
  'yes',
  '80',
  '1.5',
  'a b',
  '__proto__',
  'constructor',
  '"quoted key"',
  "'x: y'",
  '"a # b"',
  'k-1',
  'k.2',
  'httpsRedirect',
  '-dash',
  'url:8080',
  "it's",
]
const EDGE_KEYS = ['on', '0x50', 'team "a', '<<', '~', '? x', '&a k', 'a,b']
const SCALARS = [
  'frontend',
  'istio-system',
  '80',
  '0120',
  '08',
  '0x1F',
  '0o17',
  '0b101',
  '-0b11',
  '1_000',
  '+12',
  '-0',
  '0.5',
  '.5',
  '1e3',
  '1e400',
  'yes',
  'no',
  'on',
  'Off',
  'y',
  'N',
  'true',
  'FALSE',
  '~',
  'null',
  '190:20:30',
  '2001-12-14',
  '9223372036854775808',
  'http://x:8080/a',
  'a b  c',
  'x#y',
  "it's",
  'a, b',
  'x[0]',
  'v1',
  '-1',
  '"quoted # not a comment"',
  '"esc \\N\\_\\\' ok"',
  "'it''s'",
  '"esc \\t \\n \\\\ \\" \\x41 \\u00e9"',
  '""',
  "''",
  '"*.example.com"',
  'a:b',
  '<<',
]
const EDGE = [
  '*.example.com',
  'a: b',
  'ends with colon:',
  '.inf',
  '!!str 1',
  '&a x',
  '"\\/"',
  '"\\ud800"',
  '|2',
  '>',
  '%x',
  '@x',
  '`x',
  '? x',
  '- x',
]
const FLOW_SCALARS = ['frontend', '80', 'yes', '0120', '~', 'v1', '"a, b"', "'x]'", '1.5', '-1', 'a b']

interface Gen {
  rnd: () => number
  step: number
}

function scalar(g: Gen): string {
  return g.rnd() < 0.005 ? pick(g.rnd, EDGE) : pick(g.rnd, SCALARS)
}

function comment(g: Gen): string {
  return g.rnd() < 0.1 ? ' # note: here' : ''
}

function flow(g: Gen, depth: number, pad: string): string {
  const multi = g.rnd() < 0.15
  const sep = multi ? `,\n${pad}  ` : ', '
  if (depth <= 0 || g.rnd() < 0.4) {
    return pick(g.rnd, FLOW_SCALARS)
  }
  const n = Math.floor(g.rnd() * 4)
  if (g.rnd() < 0.5) {
    return `[${Array.from({ length: n }, () => flow(g, depth - 1, pad)).join(sep)}]`
  }
  const keys = [...new Set(Array.from({ length: n }, () => pick(g.rnd, ['name', 'host', 'port', '"q"', 'v'])))]
  return `{${keys.map((k) => `${k}: ${flow(g, depth - 1, pad)}`).join(sep)}}`
}

function literal(g: Gen, pad: string): string[] {
  const head = pick(g.rnd, ['|', '|-', '|+', '| # c'])
  const inner = `${pad}${' '.repeat(g.step)}`
  const body = [`${inner}line one`, `${inner}  more # text`, '', `${inner}last`]
  if (g.rnd() < 0.3) {
    body.push('', `${inner} `)
  }
  return [head, ...body]
}

/** Lines of a value after `head` (`key:` or `-`), the node being at indentation `indent`. */
function value(g: Gen, head: string, indent: number, depth: number, inSeq = false): string[] {
  const pad = ' '.repeat(indent)
  const r = g.rnd()
  if (depth <= 0 || r < 0.4) {
    return [`${head} ${scalar(g)}${comment(g)}`]
  }
  if (r < 0.5) {
    return [`${head} ${flow(g, 2, pad)}${comment(g)}`]
  }
  if (r < 0.55) {
    const [first = '', ...rest] = literal(g, pad)
    return [`${head} ${first}`, ...rest]
  }
  if (r < 0.58) {
    return [`${head}`]
  }
  if (r < 0.78) {
    // A sequence: indented, or indentless under a key.
    const seqPad = !inSeq && g.rnd() < 0.4 ? indent : indent + g.step
    const out = [`${head}${comment(g)}`]
    const n = 1 + Math.floor(g.rnd() * 3)
    for (let i = 0; i < n; i++) {
      out.push(...item(g, seqPad, depth - 1))
    }
    return out
  }
  if (g.rnd() < 0.1) {
    return [`${head}`, `${pad}${' '.repeat(g.step)}# a comment`, ...map(g, indent + g.step, depth - 1)]
  }
  return [`${head}`, ...map(g, indent + g.step, depth - 1)]
}

function item(g: Gen, indent: number, depth: number): string[] {
  const pad = ' '.repeat(indent)
  const r = g.rnd()
  if (r < 0.4) {
    // `- key: value` with the rest of the mapping under it.
    const [first = '', ...rest] = map(g, indent + 2, depth)
    return [`${pad}- ${first.trimStart()}`, ...rest]
  }
  if (r < 0.45) {
    return [`${pad}- - ${scalar(g)}`, `${pad}  - ${scalar(g)}`]
  }
  if (r < 0.5) {
    return [`${pad}-`, ...map(g, indent + g.step, depth)]
  }
  return value(g, `${pad}-`, indent, depth, true)
}

function map(g: Gen, indent: number, depth: number): string[] {
  const pad = ' '.repeat(indent)
  const out: string[] = []
  const used = new Set<string>()
  const n = 1 + Math.floor(g.rnd() * 4)
  for (let i = 0; i < n; i++) {
    const key = g.rnd() < 0.005 ? pick(g.rnd, EDGE_KEYS) : pick(g.rnd, KEYS)
    if (used.has(key)) {
      continue
    }
    used.add(key)
    if (g.rnd() < 0.05) {
      out.push('')
    }
    out.push(...value(g, `${pad}${key}:`, indent, depth))
  }
  return out
}

/** One file of one to three manifest documents. */
export function generateManifest(rnd: () => number): string {
  const g: Gen = { rnd, step: rnd() < 0.7 ? 2 : 4 }
  const docs: string[] = []
  const count = 1 + Math.floor(rnd() * 3)
  for (let d = 0; d < count; d++) {
    const head = rnd() < 0.2 ? ['# a manifest', ''] : []
    const body = rnd() < 0.1 ? item(g, 0, 3) : map(g, 0, 1 + Math.floor(rnd() * 4))
    docs.push([...head, ...body].join('\n'))
  }
  const text = `${docs.join('\n---\n')}\n`
  return rnd() < 0.05 ? text.replaceAll('\n', '\r\n') : text
}
