// The check runner's interface: a check kind validates its params and runs against a context the
// server builds. Kinds do no I/O of their own: they use the context's adapters.
import type { TSchema } from '@sinclair/typebox'
import type { LabEnvironmentSource, LiveCluster, ResourceSource } from './live-services.ts'

/** The layers a check can be confirmed on, weakest first. */
export type Layer = 'workspace' | 'command' | 'config' | 'envoy' | 'traffic'

export interface LayerResult {
  layer: Layer
  /** True/false when the layer ran; undefined when it could not run here. */
  passed: boolean | undefined
  message: string
  /**
   * The failure is a fact read from the learner's objects (e.g. the TLS Secret a Gateway names does
   * not exist), not a prediction of routing: a later layer that passes cannot overrule it, because
   * what Envoy still serves then is state it kept from before and loses on its next restart.
   */
  definite?: true
}

export interface CommandResult {
  exitCode: number
  output: string
  timedOut: boolean
}

/** What a check may use. Built per check run by the server from its adapters. */
export interface CheckContext {
  labId: string
  stepIndex: number
  workspaceDir: string
  vars: Readonly<Record<string, string>>
  /**
   * Runs a shell command as a local process in the learner's workspace folder (HOME = workspace).
   * Command checks go through the session's CommandRunner (command-runner.ts), which is this
   * unless the session brings its own (a cohort trainee's workspace pod).
   */
  runCommand(command: string, options: { timeoutMs: number }): Promise<CommandResult>
  /** Reads a workspace file; undefined when it does not exist. */
  readWorkspaceFile(relativePath: string): Promise<string | undefined>
  /** What the check kinds read beyond the workspace: resources, the lab's environment, the cluster. */
  services: GradingServices
  /**
   * The kinds the step's checks read (lower case): a resource source may leave the others out.
   * runChecks always sets it; absent only when a test runs a kind on its own (then every kind).
   */
  readKinds?: ReadonlySet<string>
}

/**
 * What check kinds read beyond the learner's workspace, typed by role. Built in one place per way
 * kindlab runs: offline workspace files and live cluster (adapters/live/live-services.ts), a
 * cohort session's (cohorts/session-services.ts), `kindlab check` (checks/grade-files.ts); the
 * server adds the lab environment (compose/services.ts).
 */
export interface GradingServices {
  /** The learner's resources: their workspace files offline, the cluster API live (scoped for a trainee). */
  readonly resources: ResourceSource
  /** The lab's baseline manifests (lab.yaml `environment`); absent: only the learner's resources count. */
  readonly labEnvironment?: LabEnvironmentSource
  /** The ingress gateway's Envoy and real traffic; absent offline (those layers do not run). */
  readonly cluster?: LiveCluster
  /** Where this session's command checks run; absent: `CheckContext.runCommand` (a local process). */
  readonly commandRunner?: CommandRunner
}

export interface CommandRunOptions {
  /** Killed after this long; the result then has `timedOut` and exit code 124. */
  timeoutMs: number
  /**
   * The lab's variables as this session sees them (LEARNER_NAMESPACE, TRAINEE_NAMESPACE, …): the
   * command's environment has each of them, wherever it runs.
   */
  vars: Readonly<Record<string, string>>
}

/**
 * Runs one shell command (`bash -c`, else `sh -c`) without stdin and with the output bounded.
 * Resolves with the exit code, even a non-zero one; rejects only with an AppError when the
 * command could not be run at all (e.g. the trainee's workspace pod is not ready).
 */
export interface CommandRunner {
  run(command: string, options: CommandRunOptions): Promise<CommandResult>
}

/**
 * A check's verdict. `unverified`: the check could not see what it is about here (e.g. a
 * `kubectl delete` offline); its message says why. Only `passed` ever counts.
 */
export type CheckStatus = 'passed' | 'failed' | 'unverified'

export interface CheckOutcome {
  /** True only when the check saw what it is about and it is right (status `passed`). */
  passed: boolean
  /** Default: `passed` or `failed` from `passed`. `unverified` needs `passed: false`. */
  status?: CheckStatus
  message: string
  /** The grader's own finding (what is wrong, which field, file:line): shown before any written hint. */
  hint?: string
  /** Why it failed, from the cause catalog (causes.ts): picks the lab's written hint for it. */
  cause?: string
  /** A hint the lab wrote for exactly this failure, found by the kind in its params (a field's hint). */
  writtenHint?: string
  output?: string
  layers: LayerResult[]
  /** Anything the UI may draw (e.g. the request path), JSON-serialisable. */
  detail?: unknown
}

export interface CheckKind<P = Record<string, unknown>> {
  kind: string
  description: string
  /**
   * The params a check of this kind takes (TypeBox, `additionalProperties: false`). Validated once,
   * at lab load (check-params.ts): `run` receives them with each `default:` filled in, so a
   * parameter with a default is written without `Type.Optional` and read without `??`.
   */
  paramsSchema: TSchema
  run(params: P, ctx: CheckContext): Promise<CheckOutcome>
  /**
   * The kinds of Kubernetes objects (e.g. `ConfigMap`) a check of this kind reads from the
   * learner's resources; `[]` for none. A step's checks together decide which kinds a live
   * resource source lists (run-checks.ts `kindsRead`): every kind says, so no Check lists them all.
   */
  reads(params: P): readonly string[]
}
