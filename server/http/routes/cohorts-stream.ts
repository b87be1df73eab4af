// The live grade book: a server-sent event stream (read with fetch, so the instructor token goes
// in a header, not the URL). A snapshot first, then one `row` event per changed trainee, and a
// comment every 15 s so proxies keep the connection open.
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { Cohorts } from '../../cohorts/cohorts.ts'
import type { GradeBookEventDto } from '../../protocol/cohort-dto.ts'
import type { CohortRecord } from '../../store/cohorts-repo.ts'

export function gradeBookStream(
  cohorts: Cohorts,
  cohort: CohortRecord,
  request: FastifyRequest,
  reply: FastifyReply,
): void {
  void reply.hijack()
  const raw = reply.raw
  raw.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  })
  const send = (event: GradeBookEventDto) => raw.write(`event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`)
  send({ type: 'snapshot', book: cohorts.gradebook.book(cohort) })
  const off = cohorts.events.on((e) => {
    if (e.type === 'seat' && e.cohortId === cohort.id) {
      const row = cohorts.gradebook.row(cohort, e.traineeId)
      if (row) {
        send({ type: 'row', row })
      }
    }
  })
  const heartbeat = setInterval(() => raw.write(': keep-alive\n\n'), 15_000)
  heartbeat.unref()
  const untrack = cohorts.trackStream(() => raw.end())
  const stop = () => {
    off()
    untrack()
    clearInterval(heartbeat)
  }
  request.raw.once('close', stop)
  raw.once('close', stop)
}
