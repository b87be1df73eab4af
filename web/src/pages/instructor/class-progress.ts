// The class progress chart above the grade book: steps completed over time, one stepped line per
// trainee (uPlot, loaded from /static/vendor/ on this page only), and "where the class is" below
// it: per step, how many trainees are on it and how many of them are stuck. Both redraw on every
// grade book update (snapshot, live row, or the grade book's clock tick).
import type uPlot from 'uplot/dist/uPlot.d.ts'
import { h } from '../../dom.ts'
import type { GradeBookDto } from '../../../../server/protocol/cohort-dto.ts'
import { progressSeries, whereTheClassIs, type ProgressSeries } from './class-progress-data.ts'

type UPlotClass = typeof uPlot

const UPLOT_URL = '/static/vendor/uplot/uPlot.esm.js'
const UPLOT_CSS = '/static/vendor/uplot/uPlot.min.css'

/** uPlot as shipped, loaded once; its stylesheet beside it. */
let loading: Promise<UPlotClass> | undefined
function loadUPlot(): Promise<UPlotClass> {
  if (!document.querySelector(`link[href="${UPLOT_CSS}"]`)) {
    document.head.append(h('link', { rel: 'stylesheet', href: UPLOT_CSS }))
  }
  const url: string = UPLOT_URL
  loading ??= (import(url) as Promise<{ default: UPlotClass }>).then((m) => m.default)
  return loading
}

export interface ClassProgressView {
  element: HTMLElement
  update(book: GradeBookDto): void
  dispose(): void
}

const color = (i: number, n: number): string => `hsl(${Math.round((i * 360) / Math.max(1, n))} 65% 45%)`

export function createClassProgress(): ClassProgressView {
  const canvasBox = h('div', { class: 'progress-chart', 'data-testid': 'progress-chart' })
  const caption = h('figcaption', { class: 'progress-caption' })
  const stand = h('ol', { class: 'class-stand', 'aria-label': 'Where the class is' })
  const element = h(
    'section',
    { class: 'class-progress', 'aria-labelledby': 'class-progress-title' },
    h('h2', { id: 'class-progress-title' }, 'Class progress'),
    h('figure', { class: 'progress-figure' }, canvasBox, caption),
    h('h3', {}, 'Where the class is'),
    stand,
  )
  let chart: uPlot | undefined
  let labels: string[] = []
  let latest: GradeBookDto | undefined
  let disposed = false

  const options = (UPlot: UPlotClass, series: ProgressSeries, steps: number): uPlot.Options => {
    const muted = getComputedStyle(document.documentElement).getPropertyValue('--muted').trim() || '#666'
    const axis = { stroke: muted, grid: { stroke: 'rgba(128,128,128,0.2)' }, ticks: { stroke: muted } }
    return {
      width: Math.max(300, canvasBox.clientWidth),
      height: 200,
      legend: { show: false },
      scales: { y: { range: [0, Math.max(1, steps)] } },
      axes: [axis, { ...axis, label: 'steps done', incrs: [1, 2, 5] }],
      series: [
        {},
        ...series.labels.map((label, i) => ({
          label,
          stroke: color(i, series.labels.length),
          width: 1.5,
          paths: UPlot.paths.stepped?.({ align: 1 }),
          points: { show: false },
        })),
      ],
    }
  }

  const drawStand = (book: GradeBookDto, now: number) => {
    const rows = whereTheClassIs(book, now)
    const most = Math.max(1, ...rows.map((r) => r.on))
    stand.replaceChildren(
      ...rows.map((r) =>
        h(
          'li',
          { 'data-step': String(r.index), class: r.stuck > 0 ? 'has-stuck' : '', title: `${r.index + 1}. ${r.title}` },
          h('span', { class: 'stand-step' }, `Step ${r.index + 1}`),
          h(
            'span',
            { class: 'stand-bar', 'aria-hidden': 'true' },
            h('span', { class: 'stand-on', style: `width:${(100 * (r.on - r.stuck)) / most}%` }),
            h('span', { class: 'stand-stuck', style: `width:${(100 * r.stuck) / most}%` }),
          ),
          h('span', { class: 'stand-count', 'data-testid': 'stand-count' }, `${r.on} on it · ${r.stuck} stuck`),
        ),
      ),
    )
  }

  const draw = (UPlot: UPlotClass) => {
    if (!latest || disposed) {
      return
    }
    const now = Date.now()
    const series = progressSeries(latest, now)
    const steps = latest.steps.filter((s) => s.checks.length > 0).length
    const done = series.data.slice(1).map((col) => col[col.length - 1] ?? 0)
    const finished = done.filter((d) => d === steps).length
    caption.textContent = `Steps completed over time by ${series.labels.length} joined trainees; ${finished} of them finished all ${steps} steps.`
    canvasBox.setAttribute('role', 'img')
    canvasBox.setAttribute('aria-label', caption.textContent)
    canvasBox.dataset['series'] = String(series.labels.length)
    drawStand(latest, now)
    const sameSeries = chart && series.labels.length === labels.length && series.labels.every((l, i) => l === labels[i])
    if (chart && sameSeries) {
      chart.setData(series.data)
      return
    }
    chart?.destroy()
    labels = series.labels
    chart = new UPlot(options(UPlot, series, steps), series.data, canvasBox)
  }

  const redraw = () =>
    void loadUPlot().then(draw, () => {
      caption.textContent = 'The chart could not be loaded (uPlot); the grade book below is complete.'
      if (latest) {
        drawStand(latest, Date.now())
      }
    })
  const resize = new ResizeObserver(() => chart?.setSize({ width: Math.max(300, canvasBox.clientWidth), height: 200 }))
  resize.observe(canvasBox)

  return {
    element,
    update(book) {
      latest = book
      redraw()
    },
    dispose() {
      disposed = true
      resize.disconnect()
      chart?.destroy()
    },
  }
}
