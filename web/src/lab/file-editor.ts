// The in-page editor for one workspace file: a plain monospace textarea loaded with the file as it
// is in the workspace (or the lab's template when it is not saved yet), the caret on the first `?`
// blank, and Save, which refuses to overwrite changes made elsewhere since loading without asking.
import { api } from '../api-client.ts'
import { h } from '../dom.ts'

export interface FileEditorOptions {
  name: string
  template: string
  token: string
  save(
    name: string,
    content: string,
    token: string,
    expected: string | null,
  ): Promise<{ path: string; version: string } | false>
}

/** Finds the first `?` blank (a quoted or bare question mark as a YAML value). */
export function firstBlank(text: string): { start: number; end: number } | undefined {
  const m = /:\s*("\?"|'\?'|\?)\s*$/m.exec(text)
  if (!m?.[1]) {
    return undefined
  }
  const start = m.index + m[0].indexOf(m[1])
  return { start, end: start + m[1].length }
}

export async function openFileEditor(opts: FileEditorOptions): Promise<HTMLElement> {
  const current = await api.readFile(opts.name, opts.token)
  let loadedVersion: string | null = current.exists ? current.version : null
  const text = current.exists ? current.content : opts.template
  const id = `editor-${opts.name.replace(/[^\w-]/g, '-')}`
  const area = h('textarea', {
    id,
    class: 'file-editor-text',
    spellcheck: 'false',
    autocapitalize: 'off',
    autocomplete: 'off',
    rows: String(Math.min(30, text.split('\n').length + 1)),
  })
  area.value = text
  const origin = h(
    'p',
    { class: 'muted file-editor-origin' },
    current.exists
      ? `Your ~/${opts.name}, as it is in the workspace now.`
      : `Not saved yet: the lab's template. Replace each ? with your answer, then Save.`,
  )
  const save = h('button', { type: 'button', class: 'action-button' }, `Save ~/${opts.name}`)
  const status = h('span', { class: 'action-note', role: 'status' })
  save.addEventListener('click', () => {
    void opts
      .save(opts.name, area.value, opts.token, loadedVersion)
      .then((saved) => {
        if (saved) {
          loadedVersion = saved.version
          status.textContent = `Saved to ~/${saved.path}. Press Check when you are ready.`
        } else {
          status.textContent = 'Not saved: the file on disk is kept. Close and Edit again to load it.'
        }
      })
      .catch((err: unknown) => {
        status.textContent = err instanceof Error ? err.message : 'Could not save the file.'
      })
  })
  area.addEventListener('keydown', (event) => {
    if ((event.ctrlKey || event.metaKey) && event.key === 's') {
      event.preventDefault()
      save.click()
    }
  })
  const blank = firstBlank(text)
  if (blank) {
    area.setSelectionRange(blank.start, blank.end)
  }
  return h(
    'div',
    { class: 'file-editor' },
    h('label', { for: id }, `Edit ~/${opts.name}`),
    origin,
    area,
    h('div', { class: 'action-bar' }, save, status),
  )
}
