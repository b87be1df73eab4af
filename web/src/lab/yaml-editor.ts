// CodeMirror 6 for one workspace YAML file: line numbers, YAML highlighting, undo, and the grader's
// findings as inline markers (a gutter dot and an underlined line, the message on hover and in the
// lint panel). Loaded on demand (a separate chunk), so pages without an editor never fetch it.
// Tab moves focus out of the editor as anywhere else on the page (no indent-with-Tab trap).
import { history, defaultKeymap, historyKeymap } from '@codemirror/commands'
import { yaml } from '@codemirror/lang-yaml'
import { bracketMatching, defaultHighlightStyle, indentOnInput, syntaxHighlighting } from '@codemirror/language'
import { lintGutter, setDiagnostics, type Diagnostic } from '@codemirror/lint'
import { EditorSelection, EditorState } from '@codemirror/state'
import { drawSelection, EditorView, highlightActiveLine, keymap, lineNumbers } from '@codemirror/view'
import type { LineMarker } from './editor-markers.ts'

export interface YamlEditor {
  element: HTMLElement
  text(): string
  focus(): void
  select(start: number, end: number): void
  setMarkers(markers: readonly LineMarker[]): void
  destroy(): void
}

export function createYamlEditor(opts: { doc: string; label: string; onSave(): void }): YamlEditor {
  const view = new EditorView({
    state: EditorState.create({
      doc: opts.doc,
      extensions: [
        lineNumbers(),
        history(),
        drawSelection(),
        highlightActiveLine(),
        indentOnInput(),
        bracketMatching(),
        syntaxHighlighting(defaultHighlightStyle),
        yaml(),
        lintGutter(),
        keymap.of([
          {
            key: 'Mod-s',
            preventDefault: true,
            run: () => {
              opts.onSave()
              return true
            },
          },
          ...defaultKeymap,
          ...historyKeymap,
        ]),
        EditorView.contentAttributes.of({
          'aria-label': opts.label,
          spellcheck: 'false',
          autocapitalize: 'off',
        }),
        EditorView.theme({ '&': { maxHeight: '60vh' }, '.cm-scroller': { overflow: 'auto' } }),
      ],
    }),
  })
  return {
    element: view.dom,
    text: () => view.state.doc.toString(),
    focus: () => view.focus(),
    select(start, end) {
      view.dispatch({ selection: EditorSelection.single(start, end), scrollIntoView: true })
    },
    setMarkers(markers) {
      const doc = view.state.doc
      const diagnostics: Diagnostic[] = markers
        .filter((m) => m.line <= doc.lines)
        .map((m) => {
          const line = doc.line(m.line)
          const indent = /^\s*/.exec(line.text)?.[0].length ?? 0
          return { from: line.from + indent, to: line.to, severity: m.severity, message: m.message }
        })
      view.dispatch(setDiagnostics(view.state, diagnostics))
      view.dom.dataset['markers'] = diagnostics.map((d) => doc.lineAt(d.from).number).join(',')
    },
    destroy: () => view.destroy(),
  }
}
