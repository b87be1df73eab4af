// The state of an open lab page (pages/lab-page.ts keeps it; the step strip, the step view and the
// actions read it).
import type { LabDto, ProgressDto } from '../../../server/protocol/api-dto.ts'

export interface LabPageState {
  lab: LabDto
  token: string
  progress: ProgressDto
  current: number
  /** No cluster is attached: commands that need one are explained instead of run. */
  offline: boolean
}
