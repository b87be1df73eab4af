// Scalars as go-yaml v2 resolves them (the decoder under sigs.k8s.io/yaml, hence kubectl): YAML 1.1
// booleans (y/yes/on/...), 0-prefixed octal, 0b/0o/0x, `_` in numbers, timestamps kept as text,
// and map keys turned into JSON strings as sigs.k8s.io/yaml does. Pure: no I/O.

const TAG = 'tag:yaml.org,2002:'
export const STR_TAG = `${TAG}str`
export const MERGE_TAG = `${TAG}merge`
const BINARY_TAG = `${TAG}binary`
const TIMESTAMP_TAG = `${TAG}timestamp`
const RESOLVABLE = new Set(['', STR_TAG, `${TAG}bool`, `${TAG}int`, `${TAG}float`, `${TAG}null`, TIMESTAMP_TAG])

/** A resolved scalar: the Go type decides how a map key becomes a JSON string. */
export type GoScalar =
  | { type: 'str'; value: string }
  | { type: 'bool'; value: boolean }
  | { type: 'null'; value: null }
  | { type: 'int'; value: bigint }
  | { type: 'uint'; value: bigint }
  | { type: 'float'; value: number }
  | { type: 'merge'; value: string }

/** A scalar kubectl refuses (e.g. `!!int abc`); the message follows go-yaml's. */
export class ScalarError extends Error {}

const RESOLVE_MAP = new Map<string, GoScalar>()
for (const s of ['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON']) {
  RESOLVE_MAP.set(s, { type: 'bool', value: true })
}
for (const s of ['n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF']) {
  RESOLVE_MAP.set(s, { type: 'bool', value: false })
}
for (const s of ['', '~', 'null', 'Null', 'NULL']) {
  RESOLVE_MAP.set(s, { type: 'null', value: null })
}
for (const s of ['.nan', '.NaN', '.NAN']) {
  RESOLVE_MAP.set(s, { type: 'float', value: NaN })
}
for (const s of ['.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF']) {
  RESOLVE_MAP.set(s, { type: 'float', value: Infinity })
}
for (const s of ['-.inf', '-.Inf', '-.INF']) {
  RESOLVE_MAP.set(s, { type: 'float', value: -Infinity })
}
RESOLVE_MAP.set('<<', { type: 'merge', value: '<<' })

const TYPE_TAG: Record<GoScalar['type'], string> = {
  str: STR_TAG,
  bool: `${TAG}bool`,
  null: `${TAG}null`,
  int: `${TAG}int`,
  uint: `${TAG}int`,
  float: `${TAG}float`,
  merge: MERGE_TAG,
}

const YAML_STYLE_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/
const INT64_MIN = -(2n ** 63n)
const INT64_MAX = 2n ** 63n - 1n
const UINT64_MAX = 2n ** 64n - 1n

/**
 * Resolves a plain or tagged scalar as go-yaml's resolve(tag, in) does; `tag` is '' for an untagged
 * plain scalar. Timestamps stay strings (go-yaml keeps them as text when decoding into interface{}).
 */
export function resolveScalar(tag: string, text: string): GoScalar {
  if (tag === BINARY_TAG) {
    return { type: 'str', value: decodeBase64(text) }
  }
  if (!RESOLVABLE.has(tag)) {
    return { type: 'str', value: text }
  }
  const out = resolveUntyped(tag, text)
  if (tag === '' || tag === STR_TAG || TYPE_TAG[out.type] === tag) {
    return out
  }
  if (tag === `${TAG}float` && out.type === 'int') {
    return { type: 'float', value: Number(out.value) }
  }
  if (tag === TIMESTAMP_TAG && out.type === 'str' && looksLikeTimestamp(text)) {
    return out
  }
  throw new ScalarError(`cannot decode ${shortTag(TYPE_TAG[out.type])} \`${text}\` as a ${shortTag(tag)}`)
}

function resolveUntyped(tag: string, text: string): GoScalar {
  const first = text.charAt(0)
  const hint = text === '' ? 'N' : hintOf(first)
  if (hint === '' || tag === STR_TAG) {
    return { type: 'str', value: text }
  }
  const mapped = RESOLVE_MAP.get(text)
  if (mapped !== undefined) {
    return mapped
  }
  if (hint === '.') {
    const f = goParseFloat(text)
    return f === undefined ? { type: 'str', value: text } : { type: 'float', value: f }
  }
  if (hint === 'D' || hint === 'S') {
    if ((tag === '' || tag === TIMESTAMP_TAG) && looksLikeTimestamp(text)) {
      return { type: 'str', value: text }
    }
    return resolveNumber(text.replaceAll('_', '')) ?? { type: 'str', value: text }
  }
  return { type: 'str', value: text }
}

function hintOf(c: string): string {
  if (c === '+' || c === '-') {
    return 'S'
  }
  if (c >= '0' && c <= '9') {
    return 'D'
  }
  if ('yYnNtTfFoO~'.includes(c)) {
    return 'M'
  }
  return c === '.' ? '.' : ''
}

function resolveNumber(plain: string): GoScalar | undefined {
  const i = goParseInt(plain)
  if (i !== undefined && i >= INT64_MIN && i <= INT64_MAX) {
    return { type: 'int', value: i }
  }
  if (!plain.startsWith('-') && !plain.startsWith('+') && i !== undefined && i >= 0n && i <= UINT64_MAX) {
    return { type: 'uint', value: i }
  }
  if (YAML_STYLE_FLOAT.test(plain)) {
    const f = goParseFloat(plain)
    if (f !== undefined) {
      return { type: 'float', value: f }
    }
  }
  if (plain.startsWith('0b')) {
    const b = parseDigits(plain.slice(2), 2, true)
    if (b !== undefined && b >= INT64_MIN && b <= INT64_MAX) {
      return { type: 'int', value: b }
    }
    if (b !== undefined && b >= 0n && b <= UINT64_MAX && !/^[-+]/.test(plain.slice(2))) {
      return { type: 'uint', value: b }
    }
  } else if (plain.startsWith('-0b')) {
    const b = parseDigits(`-${plain.slice(3)}`, 2, true)
    if (b !== undefined && b >= INT64_MIN && b <= INT64_MAX) {
      return { type: 'int', value: b }
    }
  }
  return undefined
}

/** strconv.ParseInt/ParseUint(s, 0, 64) without the range check (the caller checks it). */
function goParseInt(s: string): bigint | undefined {
  let sign = 1n
  let body = s
  if (body.startsWith('+') || body.startsWith('-')) {
    sign = body.startsWith('-') ? -1n : 1n
    body = body.slice(1)
  }
  if (body === '') {
    return undefined
  }
  let base = 10
  if (body.startsWith('0')) {
    const p = body.charAt(1).toLowerCase()
    if (body.length >= 3 && (p === 'b' || p === 'o' || p === 'x')) {
      base = p === 'b' ? 2 : p === 'o' ? 8 : 16
      body = body.slice(2)
    } else {
      base = 8
      body = body.slice(1)
    }
  }
  const v = parseDigits(body, base, false)
  return v === undefined ? undefined : sign * v
}

/** Digits of one base; `signed` allows one leading sign (ParseInt with an explicit base). */
function parseDigits(s: string, base: number, signed: boolean): bigint | undefined {
  let sign = 1n
  let body = s
  if (signed && (body.startsWith('+') || body.startsWith('-'))) {
    sign = body.startsWith('-') ? -1n : 1n
    body = body.slice(1)
  }
  if (signed && body === '') {
    return undefined
  }
  let v = 0n
  const b = BigInt(base)
  for (const c of body.toLowerCase()) {
    const d = c >= '0' && c <= '9' ? c.charCodeAt(0) - 48 : c >= 'a' && c <= 'z' ? c.charCodeAt(0) - 87 : 99
    if (d >= base) {
      return undefined
    }
    v = v * b + BigInt(d)
  }
  return sign * v
}

/** strconv.ParseFloat for the decimal forms go-yaml lets through; out of range is not a float. */
function goParseFloat(s: string): number | undefined {
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(s)) {
    return undefined
  }
  const f = Number(s)
  return Number.isFinite(f) ? f : undefined
}

/** go-yaml's parseTimestamp: four digits and '-' first, then one of its layouts. */
function looksLikeTimestamp(s: string): boolean {
  if (!/^\d{4}-/.test(s)) {
    return false
  }
  const date = /^(\d{4})-(\d{1,2})-(\d{1,2})/.exec(s)
  if (date === null || !validDate(Number(date[1]), Number(date[2]), Number(date[3]))) {
    return false
  }
  const rest = s.slice(date[0].length)
  if (rest === '') {
    return true
  }
  const time = /^([Tt]|[ ])(\d{1,2}):(\d{1,2}):(\d{1,2})(\.\d+)?(.*)$/.exec(rest)
  if (time === null || Number(time[2]) > 23 || Number(time[3]) > 59 || Number(time[4]) > 59) {
    return false
  }
  const zone = time[6] ?? ''
  return time[1] === ' ' ? zone === '' : /^(Z|[+-]\d{2}:\d{2})$/.test(zone)
}

function validDate(y: number, m: number, d: number): boolean {
  const days = [31, y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
  return m >= 1 && m <= 12 && d >= 1 && d <= (days[m - 1] ?? 0)
}

function decodeBase64(text: string): string {
  const compact = text.replace(/[\r\n]/g, '')
  if (!/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(compact)) {
    throw new ScalarError('!!binary value contains invalid base64 data')
  }
  return Buffer.from(compact, 'base64').toString('utf8')
}

function shortTag(tag: string): string {
  return tag.startsWith(TAG) ? `!!${tag.slice(TAG.length)}` : tag
}

/** A mapping key as sigs.k8s.io/yaml turns it into a JSON object key; undefined: kubectl refuses it. */
export function keyString(key: GoScalar): string | undefined {
  switch (key.type) {
    case 'str':
    case 'merge':
      return key.value
    case 'bool':
      return key.value ? 'true' : 'false'
    case 'int':
      return key.value.toString()
    case 'float':
      return formatFloat32(key.value)
    default:
      return undefined
  }
}

/** strconv.FormatFloat(f, 'g', -1, 32), with go-yaml's names for infinities and NaN. */
export function formatFloat32(f: number): string {
  const f32 = Math.fround(f)
  if (Number.isNaN(f32)) {
    return '.nan'
  }
  if (!Number.isFinite(f32)) {
    return f32 > 0 ? '.inf' : '-.inf'
  }
  if (f32 === 0) {
    return Object.is(f32, -0) ? '-0' : '0'
  }
  let shortest = ''
  for (let p = 1; p <= 9; p++) {
    shortest = Math.abs(f32).toPrecision(p)
    if (Math.fround(Number(shortest)) === Math.abs(f32)) {
      break
    }
  }
  const [mant = '', expText] = Number(shortest).toExponential().split('e')
  const digits = mant.replace('.', '')
  const exp = Number(expText)
  const sign = f32 < 0 ? '-' : ''
  if (exp < -4 || exp >= 6) {
    const frac = digits.length > 1 ? `.${digits.slice(1)}` : ''
    const e = Math.abs(exp) < 10 ? `0${Math.abs(exp)}` : `${Math.abs(exp)}`
    return `${sign}${digits[0] ?? ''}${frac}e${exp < 0 ? '-' : '+'}${e}`
  }
  const decimals = Math.max(digits.length - (exp + 1), 0)
  return `${sign}${Math.abs(Number(shortest)).toFixed(decimals)}`
}

/** The JSON value of a resolved scalar (kubectl sends JSON). */
export function jsonValue(s: GoScalar): string | number | boolean | null {
  switch (s.type) {
    case 'int':
    case 'uint':
      return Number(s.value)
    case 'float':
      // NaN and infinities stay numbers here; the caller refuses them if they survive decoding.
      return s.value
    default:
      return s.value
  }
}
