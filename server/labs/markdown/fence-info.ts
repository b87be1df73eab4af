// What a fenced block's info string asks for (terminal:run, copy, file:NAME, check), shared by the
// renderer and the validator so both read fences the same way. Pure: no I/O.

/** The action fences a step may use. */
export const ACTION_FENCES = ['terminal:run', 'copy', 'file:NAME', 'check'] as const

/** What a fence is. */
export type FenceAction =
  | { action: 'terminal:run' }
  | { action: 'copy' }
  | { action: 'file'; name: string }
  | { action: 'check' }
  /** Looks like `ns:action` but is not one we know (a typo such as `terminal:exec`). */
  | { action: 'unknown'; name: string }
  /** An ordinary code block (```yaml, ```bash, or no info). */
  | { action: 'none'; language: string }

/** Reads a fence's info string; only its first word matters. */
export function parseFenceInfo(info: string): FenceAction {
  const word = info.trim().split(/\s+/)[0] ?? ''
  if (word === 'terminal:run' || word === 'copy' || word === 'check') {
    return { action: word }
  }
  if (word.startsWith('file:')) {
    return { action: 'file', name: word.slice('file:'.length) }
  }
  if (/^[a-z][a-z0-9-]*:/i.test(word)) {
    return { action: 'unknown', name: word }
  }
  return { action: 'none', language: word }
}

const SEGMENT = /^[A-Za-z0-9._-]+$/

/**
 * Whether a `file:NAME` name is a safe path relative to the learner's workspace: forward-slash
 * segments of letters, digits, dot, dash and underscore, never `.` or `..`, at most 200 characters.
 */
export function isSafeFileName(name: string): boolean {
  if (name.length === 0 || name.length > 200) {
    return false
  }
  return name.split('/').every((segment) => SEGMENT.test(segment) && segment !== '.' && segment !== '..')
}

const LANGUAGES: Readonly<Record<string, string>> = {
  yaml: 'yaml',
  yml: 'yaml',
  json: 'json',
  sh: 'bash',
  bash: 'bash',
  md: 'markdown',
  js: 'javascript',
  mjs: 'javascript',
  ts: 'typescript',
  py: 'python',
  go: 'go',
  toml: 'toml',
  ini: 'ini',
  conf: 'ini',
  xml: 'xml',
  html: 'html',
  css: 'css',
  pem: 'text',
  txt: 'text',
}

/** The highlighting language for a file name, by extension; `text` when unknown. */
export function languageForFile(name: string): string {
  const base = name.split('/').pop() ?? name
  if (base === 'Dockerfile') {
    return 'dockerfile'
  }
  const dot = base.lastIndexOf('.')
  const ext = dot > 0 ? base.slice(dot + 1).toLowerCase() : ''
  return LANGUAGES[ext] ?? 'text'
}

/**
 * The check ids a ```check block lists: one per line (`- id` allowed), or a flow list `[a, b]`.
 * `#` starts a comment. An empty block means all the step's checks.
 */
export function parseCheckIds(body: string): string[] {
  const trimmed = body.trim()
  const items = trimmed.startsWith('[') && trimmed.endsWith(']') ? trimmed.slice(1, -1).split(',') : trimmed.split('\n')
  const ids: string[] = []
  for (const item of items) {
    const id = item
      .replace(/#.*$/, '')
      .trim()
      .replace(/^-\s*/, '')
      .replace(/^(["'])(.*)\1$/, '$2')
      .trim()
    if (id !== '' && !ids.includes(id)) {
      ids.push(id)
    }
  }
  return ids
}
