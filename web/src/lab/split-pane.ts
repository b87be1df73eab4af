// A resizable left/right split with a keyboard-operable divider; the width is remembered.
import { h } from '../dom.ts'

const key = 'kindlab.split'

export function makeSplitPane(left: HTMLElement, right: HTMLElement): HTMLElement {
  const divider = h('div', {
    class: 'divider',
    role: 'separator',
    tabindex: '0',
    'aria-orientation': 'vertical',
    'aria-label': 'Resize the step and terminal panes',
    'aria-valuemin': '20',
    'aria-valuemax': '80',
  })
  const root = h('div', { class: 'split' }, left, divider, right)
  const set = (percent: number) => {
    const p = Math.max(20, Math.min(80, percent))
    root.style.setProperty('--left', `${p}%`)
    divider.setAttribute('aria-valuenow', String(Math.round(p)))
    localStorage.setItem(key, String(p))
    window.dispatchEvent(new Event('kindlab:resize'))
  }
  set(Number(localStorage.getItem(key) ?? 50))
  divider.addEventListener('pointerdown', (e) => {
    divider.setPointerCapture(e.pointerId)
    const move = (ev: PointerEvent) => {
      const rect = root.getBoundingClientRect()
      set(((ev.clientX - rect.left) / rect.width) * 100)
    }
    const up = () => {
      divider.removeEventListener('pointermove', move)
      divider.removeEventListener('pointerup', up)
    }
    divider.addEventListener('pointermove', move)
    divider.addEventListener('pointerup', up)
  })
  divider.addEventListener('keydown', (e) => {
    const now = Number(divider.getAttribute('aria-valuenow') ?? 50)
    if (e.key === 'ArrowLeft' || e.key === 'ArrowRight') {
      e.preventDefault()
      set(now + (e.key === 'ArrowLeft' ? -5 : 5))
    }
  })
  return root
}
