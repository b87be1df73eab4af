// In-process events of the cohort feature (joins, check attempts of trainees, seat changes),
// fanned out to the grade book stream and the webhook outbox. Listeners never throw back.
import type { WebhookEventType } from '../protocol/cohort-dto.ts'

export type CohortEvent =
  | { type: 'seat'; cohortId: string; traineeId: string }
  | { type: 'webhook'; cohortId: string; event: WebhookEventType; data: Record<string, unknown> }

export interface CohortEvents {
  on(listener: (event: CohortEvent) => void): () => void
  emit(event: CohortEvent): void
}

export function createCohortEvents(onListenerError?: (err: unknown) => void): CohortEvents {
  const listeners = new Set<(event: CohortEvent) => void>()
  return {
    on(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    emit(event) {
      for (const listener of listeners) {
        try {
          listener(event)
        } catch (err) {
          onListenerError?.(err)
        }
      }
    },
  }
}
