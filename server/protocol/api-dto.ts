// The HTTP API's shapes, shared by the server and the browser app. Pure types, no dependencies.

export interface ApiErrorBody {
  /** `field`: the form field the error is about (cohort form), to show it next to that field. */
  error: { code: string; message: string; hint?: string; field?: string }
}

export interface StatusDto {
  version: string
  mode: 'offline' | 'live'
  /** Why the server runs offline, shown as a banner. */
  offlineReason?: string
  cluster?: { context: string }
  /** Provisioning progress while `kindlab up` is still preparing the cluster. */
  provisioning?: ProgressEventDto
}

export interface ProgressEventDto {
  step: string
  title: string
  state: 'pending' | 'running' | 'done' | 'failed' | 'skipped'
  detail?: string
  index: number
  total: number
  elapsedMs: number
}

export interface SessionDto {
  token: string
  sessionId: string
}

export interface LabSummaryDto {
  id: string
  title: string
  summary: string
  duration: string
  stepCount: number
  needsCluster: boolean
}

export interface StepSummaryDto {
  index: number
  slug: string
  title: string
  checks: Array<{ id: string; title: string }>
  /** Gating: why the step is not open yet ("Step 3 opens once step 2's checks pass."). */
  locked?: string
}

export interface LabDto extends LabSummaryDto {
  steps: StepSummaryDto[]
}

export interface StepDto {
  index: number
  title: string
  html: string
  checkIds: string[]
}

export type LayerName = 'workspace' | 'command' | 'config' | 'envoy' | 'traffic'

/** GET /api/workspace/files?name=: a learner's file and its version (absent: not saved yet). */
export type WorkspaceFileDto =
  { path: string; exists: false } | { path: string; exists: true; content: string; version: string }

/** passed: earned; failed: wrong or missing; unverified: could not be seen here (never a tick). */
export type CheckStatusDto = 'passed' | 'failed' | 'unverified'

export interface CheckResultDto {
  id: string
  title: string
  /** True exactly when status is `passed`. */
  passed: boolean
  status: CheckStatusDto
  /** What the check found; for `unverified`, why it could not tell. */
  message: string
  /** Why it failed (a cause of server/checks/causes.ts or an analyzer code). */
  cause?: string
  /** The grader's own finding (what, which field, file:line), shown before the hint. */
  finding?: string
  /** The lab's written hint for this failure. */
  hint?: string
  output?: string
  layers: Array<{ layer: LayerName; passed: boolean | undefined; message: string }>
  detail?: unknown
}

export interface CheckRunDto {
  passed: boolean
  stepPassed: boolean
  checks: CheckResultDto[]
}

export interface ProgressDto {
  passedSteps: number[]
  currentStep: number
  lastResults: Record<
    string,
    { passed: boolean; status: CheckStatusDto; message: string; finding?: string; hint?: string; at: number }
  >
}

/** The request path a grader check drew: which hop stopped the request (check detail.picture). */
export interface RequestPathDto {
  request: string
  layer: string
  hops: Array<{ hop: string; state: 'passed' | 'stopped' | 'not-reached' | 'unknown'; note?: string }>
  stoppedAt?: string
}
