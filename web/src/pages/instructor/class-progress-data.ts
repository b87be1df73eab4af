// The class progress chart's data, pure: steps completed over time per joined trainee (uPlot's
// aligned columns: one x axis in seconds, one y column per trainee, null before they joined), and
// where the class is: per step, how many are on it and how many of those are stuck.
import type { GradeBookDto } from '../../../../server/protocol/cohort-dto.ts'
import { displayName, gradedSteps, stuckNow } from './gradebook-rows.ts'

export interface ProgressSeries {
  labels: string[]
  /** [x seconds, ...one column per label] */
  data: [number[], ...Array<Array<number | null>>]
}

export function progressSeries(book: GradeBookDto, now: number): ProgressSeries {
  const joined = book.rows.filter((r) => r.joinedAt !== undefined)
  const times = new Set<number>([now])
  for (const r of joined) {
    times.add(r.joinedAt ?? now)
    for (const p of r.stepsPassedAt) {
      times.add(p.at)
    }
  }
  const xs = [...times].filter((t) => t <= now).sort((a, b) => a - b)
  const columns = joined.map((r) =>
    xs.map((t) => (t < (r.joinedAt ?? now) ? null : r.stepsPassedAt.filter((p) => p.at <= t).length)),
  )
  return { labels: joined.map(displayName), data: [xs.map((t) => t / 1000), ...columns] }
}

export interface StepStand {
  index: number
  title: string
  on: number
  stuck: number
}

/** Per graded step: the joined trainees whose current step it is (lab not done), and the stuck ones. */
export function whereTheClassIs(book: GradeBookDto, now: number): StepStand[] {
  const active = book.rows.filter((r) => r.joinedAt !== undefined && !r.labCompleted)
  return gradedSteps(book).map((s) => {
    const here = active.filter((r) => r.currentStep === s.index)
    return {
      index: s.index,
      title: s.title,
      on: here.length,
      stuck: here.filter((r) => stuckNow(book, r, now) !== undefined).length,
    }
  })
}
