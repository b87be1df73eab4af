// The cohort API's shapes (instructor pages, join page, grade book stream), shared by the server
// and the browser app. Pure types, no dependencies.
import type { ProgressEventDto } from './api-dto.ts'

export type CohortMode = 'namespace' | 'cluster'

/** Where a trainee's environment is: planned only, being prepared, ready, handed out, failed. */
export type EnvState = 'planned' | 'provisioning' | 'ready' | 'claimed' | 'failed'

export interface CreateCohortBody {
  name: string
  labId: string
  trainees: number
  mode?: CohortMode
  domain?: string
  reserve?: number
  webhookUrl?: string
  /** Steps open only once the earlier steps' checks pass; omitted: as the lab says. */
  gating?: boolean
}

export interface CohortSummaryDto {
  id: string
  name: string
  labId: string
  mode: CohortMode
  domain: string
  seats: number
  reserve: number
  joined: number
  ready: number
  state: 'active' | 'ended'
  /** True when no cluster is attached: isolation objects are planned, never applied. */
  offline: boolean
  /** Why the environments are only planned (e.g. cluster mode on a machine without kind or Docker). */
  plannedReason?: string
  createdAt: number
}

/** A cluster-mode trainee's own kind cluster (its host ports: the cohort's plan). */
export interface TraineeClusterDto {
  name: string
  context: string
}

export interface TraineeDto {
  traineeId: string
  slot: number
  domain: string
  namespace: string
  envState: EnvState
  envError?: string
  /** While the environment is being built: the provisioning step it is on. */
  envProgress?: ProgressEventDto
  /** Cluster mode: the trainee's kind cluster. */
  cluster?: TraineeClusterDto
  displayName?: string
  joinedAt?: number
}

export interface CohortDetailDto extends CohortSummaryDto {
  trainees: TraineeDto[]
  /** Shown once on creation, with the webhook secret; afterwards only via the handout. */
  classCode?: string
  webhookSecret?: string
}

export interface HandoutEntryDto {
  traineeId: string
  joinUrl: string
  hosts: string[]
}

export interface HandoutDto {
  cohort: string
  lab: string
  classCode: string
  joinUrl: string
  entries: HandoutEntryDto[]
}

export interface JoinBody {
  /** Personal join token (from a trainee's link), or a class code plus a name. */
  joinToken?: string
  classCode?: string
  displayName?: string
}

export interface JoinResultDto {
  token: string
  sessionId: string
  cohort: string
  labId: string
  traineeId: string
  domain: string
  /** The trainee's personal link, to come back from another browser. */
  rejoinPath: string
  /** How long handing out the environment took on the server. */
  provisionedMs: number
  fromWarmPool: boolean
}

export interface InstructorLoginBody {
  adminToken?: string
  password?: string
}

export interface InstructorSessionDto {
  token: string
  expiresAt: number
}

/** One check's latest state for one trainee. */
export interface GradeCellDto {
  /** True exactly when status is `passed`. */
  passed: boolean
  /** `unverified` is never a pass and never a failure: shown grey. */
  status: 'passed' | 'failed' | 'unverified'
  message: string
  failures: number
  at: number
}

export interface GradeRowDto {
  traineeId: string
  displayName?: string
  sessionId?: string
  joinedAt?: number
  currentStep: number
  passedSteps: number[]
  /** Milliseconds on the current step when the row was built. */
  onStepMs: number
  /** Since when the trainee is on the current step (epoch ms), to tick the clock client-side. */
  currentSince: number
  /** Failed attempts on the current step's checks. */
  failuresOnStep: number
  /** See `stuck-rule.ts`: N failed Checks on the current step, or long on it with failures. */
  stuck: boolean
  /** Why, in a few words ("5 failed Checks on step 3"), when stuck. */
  stuckReason?: string
  /** When each passed step was passed (epoch ms), oldest first: the class progress chart's data. */
  stepsPassedAt: Array<{ step: number; at: number }>
  /** The instructor opened every step for this trainee (gating does not apply to them). */
  stepsOpened: boolean
  /** By check id. */
  checks: Record<string, GradeCellDto>
  envState: EnvState
  /** Why the environment could not be built, when envState is 'failed'. */
  envError?: string
  /** While the environment is being built: the provisioning step it is on. */
  envProgress?: ProgressEventDto
  labCompleted: boolean
}

export interface GradeBookDto {
  cohortId: string
  cohort: string
  labId: string
  steps: Array<{ index: number; title: string; checks: Array<{ id: string; title: string }> }>
  rows: GradeRowDto[]
  stuckAfterMs: number
  stuckAfterFailures: number
  /** Gating is on for this class (the cohort's choice, or the lab's). */
  gated: boolean
  generatedAt: number
}

/** Pushed on the grade book stream (`event:` is the type). */
export type GradeBookEventDto = { type: 'snapshot'; book: GradeBookDto } | { type: 'row'; row: GradeRowDto }

export interface WatchTokenDto {
  token: string
  sessionId: string
  expiresAt: number
}

export type WebhookEventType = 'trainee.joined' | 'check.passed' | 'check.failed' | 'step.completed' | 'lab.completed'
