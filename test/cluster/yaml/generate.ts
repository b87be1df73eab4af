// Seeded generator of manifest-like YAML files for the differential suite: block and flow
// collections, YAML 1.1 scalars, quoted and tagged scalars, anchors, aliases and merge keys,
// repeated keys, comments, CRLF, BOM and document markers. Same seed, same files.

/** mulberry32: a small, fast, seeded PRNG. */
export function createRandom(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** Plain scalars whose meaning differs between YAML 1.1 and 1.2, or between readers. */
const SCALARS = [
  'yes',
  'no',
  'on',
  'off',
  'y',
  'n',
  'Y',
  'N',
  'True',
  'FALSE',
  'On',
  'OFF',
  '~',
  'null',
  'Null',
  '',
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
  '-.5',
  '1e3',
  '1E-2',
  '1e400',
  '190:20:30',
  '12:30',
  '2001-12-14',
  '2001-12-14t21:59:43.10-05:00',
  '2002-13-01',
  '9223372036854775807',
  '9223372036854775808',
  '18446744073709551616',
  '0b',
  '0x',
  '1_0.5',
  '_1',
  '0_7',
  'frontend',
  'a b',
  'true',
  'http://x:8080/a',
  'istio-system',
  '80',
  '8080',
  'v1',
  'x#y',
  'a: b',
  "it's",
]
/** Keys and what sigs.k8s.io/yaml makes of them; one key per meaning in a mapping (see pickKey). */
const KEYS: Array<[string, string]> = [
  ['name', 'name'],
  ['spec', 'spec'],
  ['metadata', 'metadata'],
  ['__proto__', '__proto__'],
  ['constructor', 'constructor'],
  ['"__proto__"', '__proto__'],
  ['yes', 'true'],
  ['on', 'true'],
  ["'true'", 'true'],
  ['no', 'false'],
  ['0120', '80'],
  ['80', '80'],
  ['0x50', '80'],
  ['1.5', '1.5'],
  ['1e3', '1000'],
  ['"a # b"', 'a # b'],
  ["'x: y'", 'x: y'],
  ['"<<"', '<<'],
  ['a b', 'a b'],
  ['httpsRedirect', 'httpsRedirect'],
  ['number', 'number'],
  ['host', 'host'],
  ['hasOwnProperty', 'hasOwnProperty'],
  ['toString', 'toString'],
  ['"\\t"', '\t'],
  ['k-1', 'k-1'],
  ['k.2', 'k.2'],
]
// Keys that are plain strings for go-yaml too: a merged key of another type (say `on`, a bool)
// next to the string 'true' is a coin toss in kubectl, so merging maps use only these.
const PLAIN_KEYS = KEYS.filter(([text, meaning]) => text === meaning)

interface Ctx {
  rnd: () => number
  anchors: Array<{ name: string; isMap: boolean }>
  depth: number
}

const pick = <T>(rnd: () => number, list: readonly T[]): T => list[Math.floor(rnd() * list.length)] as T

function scalar(ctx: Ctx, inFlow: boolean): string {
  const r = ctx.rnd()
  const s = pick(ctx.rnd, SCALARS)
  if (r < 0.1) {
    return `'${s.replaceAll("'", "''")}'`
  }
  if (r < 0.2) {
    return JSON.stringify(s)
  }
  if (r < 0.23) {
    return `${pick(ctx.rnd, ['!!str', '!!int', '!!float', '!!bool', '!!null', '!custom'])} ${JSON.stringify(s)}`
  }
  if (r < 0.235) {
    return pick(ctx.rnd, ['.inf', '-.Inf', '.NaN']) // kubectl refuses these values (JSON has no such numbers)
  }
  if (r < 0.3 && ctx.anchors.length > 0) {
    return `*${pick(ctx.rnd, ctx.anchors).name}`
  }
  // A plain scalar that would not be one here is quoted instead.
  if (s === '' || /^[\s#&*!|>'"%@`]|: |\s#|,|\[|\]|\{|\}/.test(s) || (inFlow && /[,[\]{}]/.test(s))) {
    return JSON.stringify(s)
  }
  return s
}

function flow(ctx: Ctx, level: number): string {
  if (level <= 0 || ctx.rnd() < 0.4) {
    return scalar(ctx, true)
  }
  const n = Math.floor(ctx.rnd() * 4)
  if (ctx.rnd() < 0.5) {
    return `[${Array.from({ length: n }, () => flow(ctx, level - 1)).join(', ')}]`
  }
  const used = new Set<string>()
  const items: string[] = []
  for (let i = 0; i < n; i++) {
    const [text, meaning] = pick(ctx.rnd, KEYS)
    if (!used.has(meaning)) {
      used.add(meaning)
      items.push(`${text}: ${flow(ctx, level - 1)}`)
    }
  }
  return `{${items.join(', ')}}`
}

/** A block mapping at `indent` spaces. */
function blockMap(ctx: Ctx, indent: number, level: number): string[] {
  const pad = ' '.repeat(indent)
  const lines: string[] = []
  const used = new Map<string, string>()
  const n = 1 + Math.floor(ctx.rnd() * 4)
  const merging = ctx.rnd() < 0.15 && ctx.anchors.some((a) => a.isMap)
  const keys = merging ? PLAIN_KEYS : KEYS
  for (let i = 0; i < n; i++) {
    const [picked, meaning] = pick(ctx.rnd, keys)
    // The same meaning again is written as the very same key: kubectl keeps the later value.
    const text = used.get(meaning) ?? picked
    used.set(meaning, text)
    if (merging && i === 0) {
      lines.push(
        `${pad}<<: *${
          pick(
            ctx.rnd,
            ctx.anchors.filter((a) => a.isMap),
          ).name
        }`,
      )
    }
    lines.push(...entry(ctx, `${pad}${text}:`, indent, level))
  }
  if (ctx.rnd() < 0.1) {
    lines.push(`${pad}# a comment`)
  }
  return lines
}

function entry(ctx: Ctx, head: string, indent: number, level: number): string[] {
  const r = ctx.rnd()
  const anchor = level > 0 && ctx.rnd() < 0.1 ? `a${ctx.anchors.length}` : undefined
  const tagged = anchor !== undefined ? ` &${anchor}` : ''
  if (level <= 0 || r < 0.45) {
    const sep = ctx.rnd() < 0.05 ? ':\t' : ': '
    const value = scalar(ctx, false)
    // An alias cannot carry an anchor of its own.
    const prefix = value.startsWith('*') ? '' : tagged.trim()
    if (prefix !== '' && anchor !== undefined) {
      ctx.anchors.push({ name: anchor, isMap: false })
    }
    return [`${head.slice(0, -1)}${sep}${prefix}${prefix ? ' ' : ''}${value}`]
  }
  if (r < 0.55) {
    const body = flow(ctx, 2)
    if (anchor !== undefined) {
      ctx.anchors.push({ name: anchor, isMap: body.startsWith('{') })
    }
    return [`${head}${tagged} ${body}`]
  }
  if (r < 0.6) {
    const style = pick(ctx.rnd, ['|', '>', '|-', '>+'])
    return [`${head} ${style}`, `${' '.repeat(indent + 2)}line one`, `${' '.repeat(indent + 2)}line # two`]
  }
  if (r < 0.75) {
    const items = 1 + Math.floor(ctx.rnd() * 3)
    const lines = [`${head}${tagged}`]
    for (let i = 0; i < items; i++) {
      if (ctx.rnd() < 0.5) {
        lines.push(`${' '.repeat(indent + 2)}- ${scalar(ctx, false)}`)
        continue
      }
      const [first = '', ...rest] = blockMap(ctx, indent + 4, level - 1)
      lines.push(`${' '.repeat(indent + 2)}- ${first.trimStart()}`, ...rest)
    }
    if (anchor !== undefined) {
      ctx.anchors.push({ name: anchor, isMap: false })
    }
    return lines
  }
  const lines = [`${head}${tagged}`, ...blockMap(ctx, indent + 2, level - 1)]
  if (anchor !== undefined) {
    ctx.anchors.push({ name: anchor, isMap: true })
  }
  return lines
}

/** One file: one to three documents, with the line endings and markers kubectl users write. */
export function generateFile(rnd: () => number): string {
  const docs: string[] = []
  const count = 1 + Math.floor(rnd() * 3)
  for (let d = 0; d < count; d++) {
    const ctx: Ctx = { rnd, anchors: [], depth: 0 }
    const body = rnd() < 0.05 ? [scalar(ctx, false)] : blockMap(ctx, 0, 1 + Math.floor(rnd() * 4))
    if (rnd() < 0.1) {
      body.push('...')
    }
    docs.push(body.join('\n'))
  }
  const sep = pick(rnd, ['---', '---', '--- # next', '---  '])
  let text = (rnd() < 0.2 ? '---\n' : '') + docs.join(`\n${sep}\n`) + (rnd() < 0.9 ? '\n' : '')
  if (rnd() < 0.1) {
    text = text.replaceAll('\n', '\r\n')
  }
  if (rnd() < 0.05) {
    text = `\ufeff${text}`
  }
  return text
}
