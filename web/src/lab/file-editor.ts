// The in-page editor for one workspace file: CodeMirror (yaml-editor.ts, loaded on first use)
// with the file as it is in the workspace (or the lab's template when it is not saved yet), the
// first `?` blank selected, the grader's findings marked at their lines (after each Check too),
// and Save, which refuses to overwrite changes made elsewhere since loading without asking.
import { api } from '../api-client.ts'
import { h } from '../dom.ts'
import { CHECK_RESULTS_EVENT, markersFor, type ResultLike } from './editor-markers.ts'

export interface FileEditorOptions {
  name: string
  template: string
  token: string
  /** The last Check results known for the step (each may name a line of this file). */
  results: readonly ResultLike[]
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

export interface OpenEditor {
  element: HTMLElement
  focus(): void
  close(): void
}

export async function openFileEditor(opts: FileEditorOptions): Promise<OpenEditor> {
  const [current, { createYamlEditor }] = await Promise.all([
    api.readFile(opts.name, opts.token),
    import('./yaml-editor.ts'),
  ])
  let loadedVersion: string | null = current.exists ? current.version : null
  const text = current.exists ? current.content : opts.template
  const save = h('button', { type: 'button', class: 'action-button' }, `Save ~/${opts.name}`)
  const status = h('span', { class: 'action-note', role: 'status' })
  const editor = createYamlEditor({ doc: text, label: `Edit ~/${opts.name}`, onSave: () => save.click() })
  const origin = h(
    'p',
    { class: 'muted file-editor-origin' },
    current.exists
      ? `Your ~/${opts.name}, as it is in the workspace now.`
      : `Not saved yet: the lab's template. Replace each ? with your answer, then Save.`,
  )
  save.addEventListener('click', () => {
    void opts
      .save(opts.name, editor.text(), opts.token, loadedVersion)
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
  const blank = firstBlank(text)
  if (blank) {
    editor.select(blank.start, blank.end)
  }
  // The grader's findings at their lines: the last results now, then each Check's.
  editor.setMarkers(markersFor(opts.name, opts.results))
  const listening = new AbortController()
  document.addEventListener(
    CHECK_RESULTS_EVENT,
    (event) => editor.setMarkers(markersFor(opts.name, (event as CustomEvent<ResultLike[]>).detail)),
    { signal: listening.signal },
  )
  const element = h(
    'div',
    { class: 'file-editor' },
    h('p', { class: 'file-editor-label' }, `Edit ~/${opts.name}`),
    origin,
    editor.element,
    h('div', { class: 'action-bar' }, save, status),
  )
  return {
    element,
    focus: () => editor.focus(),
    close() {
      listening.abort()
      editor.destroy()
      element.remove()
    },
  }
}
