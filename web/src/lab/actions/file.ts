// ```file:NAME blocks: Save writes the block into the learner's workspace; Edit opens the file in a
// small in-page editor (so nobody needs vi to fill the `?` blanks). Neither overwrites the
// learner's edits without asking: Save asks when the file differs from the block, the editor when
// the file changed elsewhere (terminal, another tab) since it was loaded.
import { api, ApiError } from '../../api-client.ts'
import { h } from '../../dom.ts'
import { flash } from './copy.ts'
import { openFileEditor, type OpenEditor } from '../file-editor.ts'
import { codeOf, type StepAction } from './step-action.ts'

/**
 * Saves `content` as `name`, asking before it overwrites changes made elsewhere. `expected` is the
 * version the caller loaded (null: it saw no file). Returns false when the learner said no.
 */
export async function saveAsking(
  name: string,
  content: string,
  token: string,
  expected: string | null,
): Promise<{ path: string; version: string } | false> {
  try {
    return await api.saveFile(name, content, token, expected)
  } catch (err) {
    if (!(err instanceof ApiError) || err.code !== 'LAB_ERR_WORKSPACE_CHANGED') {
      throw err
    }
    if (!confirm(`${err.message}\n\nOverwrite it with this version?`)) {
      return false
    }
    return await api.saveFile(name, content, token)
  }
}

export const fileAction: StepAction = {
  name: 'file',
  wire(block, ctx) {
    const name = block.dataset['fileName'] ?? ''
    const token = ctx.state.token
    const save = h(
      'button',
      { type: 'button', class: 'action-button', title: `Save as ${name} in your workspace` },
      `Save ${name}`,
    )
    const edit = h(
      'button',
      { type: 'button', class: 'action-button secondary', 'aria-expanded': 'false' },
      `Edit ${name}`,
    )
    const note = h('span', { class: 'action-note', role: 'status' })
    const bar = h('div', { class: 'action-bar' }, save, edit, note)
    const fail = (err: unknown) => {
      note.textContent = err instanceof Error ? err.message : 'Could not save the file.'
    }

    save.addEventListener('click', () => {
      void (async () => {
        const template = codeOf(block)
        const current = await api.readFile(name, token)
        // A file that differs from the block holds the learner's edits: ask before replacing them.
        const edited = current.exists && current.content !== template
        if (edited && !confirm(`~/${name} has changes of yours. Replace it with this block?`)) {
          note.textContent = `Kept your ~/${name}.`
          return
        }
        const saved = await saveAsking(name, template, token, current.exists ? current.version : null)
        if (saved) {
          note.textContent = `Saved to ~/${saved.path}`
          flash(save, 'Saved')
        } else {
          note.textContent = `Kept your ~/${name}.`
        }
      })().catch(fail)
    })

    let open: OpenEditor | undefined
    edit.addEventListener('click', () => {
      if (open) {
        open.close()
        open = undefined
        edit.setAttribute('aria-expanded', 'false')
        return
      }
      edit.setAttribute('aria-expanded', 'true')
      const results = Object.values(ctx.state.progress.lastResults)
      void openFileEditor({ name, template: codeOf(block), token, results, save: saveAsking })
        .then((editor) => {
          open = editor
          bar.after(editor.element)
          editor.focus()
        })
        .catch(fail)
    })
    block.append(bar)
  },
}
