// CodeMirror 6 for one workspace YAML file: line numbers, YAML highlighting, undo, and the grader's
// findings as inline markers (a gutter dot and an underlined line, the message on hover and in the
// lint panel). Loaded on demand (a separate chunk), so pages without an editor never fetch it.
// Tab moves focus out of the editor as anywhere else on the page (no indent-with-Tab trap).
import { history, defaultKeymap, historyKeymap } from '@codemirror/commands'
import { yaml } from '@codemirror/lang-yaml'
import { bracketMatching, HighlightStyle, indentOnInput, syntaxHighlighting } from '@codemirror/language'
import { lintGutter, setDiagnostics, type Diagnostic } from '@codemirror/lint'
import { EditorSelection, EditorState } from '@codemirror/state'
import { drawSelection, EditorView, highlightActiveLine, keymap, lineNumbers } from '@codemirror/view'
import { tags } from '@lezer/highlight'
import type { LineMarker } from './editor-markers.ts'

/**
 * YAML colours from the page's own custom properties (app.css), so the editor follows the light
 * and dark themes with the contrast the rest of the page has.
 */
const yamlHighlight = HighlightStyle.define([
  { tag: [tags.propertyName, tags.definition(tags.propertyName)], color: 'var(--accent)' },
  { tag: [tags.string, tags.special(tags.string)], color: 'var(--ok)' },
  { tag: [tags.number, tags.bool, tags.null, tags.atom], color: 'var(--bad)' },
  { tag: [tags.comment, tags.meta, tags.punctuation, tags.separator], color: 'var(--muted)' },
  { tag: [tags.labelName, tags.typeName, tags.keyword], color: 'var(--warn-text)' },
])

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
        syntaxHighlighting(yamlHighlight),
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
        EditorView.theme({
          '&': { maxHeight: '60vh', color: 'var(--text)', backgroundColor: 'var(--panel)' },
          '.cm-scroller': { overflow: 'auto' },
          '.cm-gutters': { backgroundColor: 'var(--code-bg)', color: 'var(--muted)', borderColor: 'var(--border)' },
          '.cm-activeLine': { backgroundColor: 'var(--code-bg)' },
          '.cm-content': { caretColor: 'var(--text)' },
        }),
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
