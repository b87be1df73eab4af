// The platform's operational errors: one base class with a stable code, a sentence for people and
// a hint. Thrown by adapters and services, mapped to HTTP in exactly one place (http/error-handler).
// Learner mistakes are not errors: the grader returns them as findings (grader/core).

/** Every operational error code, with its HTTP status and CLI exit code. Codes are never reused. */
export const errorCatalog = {
  LAB_ERR_INTERNAL: { status: 500, exit: 70 },
  LAB_ERR_CONFIG_INVALID: { status: 500, exit: 78 },
  // Usage errors exit 2, like the ones commander reports itself (README: exit codes).
  LAB_ERR_USAGE: { status: 400, exit: 2 },
  LAB_ERR_VALIDATION: { status: 400, exit: 65 },
  // A Save would write through a link (or into a pipe) the learner made in their workspace.
  LAB_ERR_WORKSPACE_LINK: { status: 409, exit: 65 },
  LAB_ERR_INPUT_FILE: { status: 400, exit: 66 },
  LAB_ERR_BODY_TOO_LARGE: { status: 413, exit: 65 },
  LAB_ERR_NOT_FOUND: { status: 404, exit: 66 },
  LAB_ERR_LAB_NOT_FOUND: { status: 404, exit: 66 },
  LAB_ERR_STEP_NOT_FOUND: { status: 404, exit: 66 },
  LAB_ERR_LAB_INVALID: { status: 500, exit: 65 },
  LAB_ERR_CHECK_UNKNOWN_KIND: { status: 500, exit: 65 },
  LAB_ERR_CHECK_FAILED_TO_RUN: { status: 500, exit: 70 },
  LAB_ERR_AUTH_REQUIRED: { status: 401, exit: 77 },
  LAB_ERR_AUTH_FORBIDDEN: { status: 403, exit: 77 },
  LAB_ERR_ORIGIN_REJECTED: { status: 403, exit: 77 },
  // 421 Misdirected Request: the Host header names a server this is not (DNS rebinding).
  LAB_ERR_HOST_REJECTED: { status: 421, exit: 77 },
  LAB_ERR_RATE_LIMITED: { status: 429, exit: 75 },
  LAB_ERR_SESSION_LIMIT: { status: 429, exit: 75 },
  LAB_ERR_TERMINAL_LIMIT: { status: 429, exit: 75 },
  LAB_ERR_SESSION_NOT_FOUND: { status: 404, exit: 66 },
  LAB_ERR_TERMINAL_UNAVAILABLE: { status: 503, exit: 69 },
  LAB_ERR_PORT_IN_USE: { status: 500, exit: 69 },
  LAB_ERR_STORE_FAILED: { status: 500, exit: 74 },
  LAB_ERR_TOOL_MISSING: { status: 503, exit: 69 },
  LAB_ERR_DOCKER_UNAVAILABLE: { status: 503, exit: 69 },
  LAB_ERR_KIND_FAILED: { status: 502, exit: 69 },
  LAB_ERR_ISTIOCTL_FAILED: { status: 502, exit: 69 },
  LAB_ERR_KUBE_NOT_CONFIGURED: { status: 503, exit: 69 },
  LAB_ERR_KUBE_UNREACHABLE: { status: 503, exit: 69 },
  LAB_ERR_KUBE_FORBIDDEN: { status: 502, exit: 77 },
  LAB_ERR_KUBE_API: { status: 502, exit: 69 },
  LAB_ERR_KUBE_TIMEOUT: { status: 504, exit: 75 },
  LAB_ERR_ENVOY_UNREACHABLE: { status: 502, exit: 69 },
  LAB_ERR_ENVOY_NOT_SYNCED: { status: 504, exit: 75 },
  LAB_ERR_PROBE_FAILED: { status: 502, exit: 69 },
  LAB_ERR_DOWNLOAD_FAILED: { status: 502, exit: 69 },
  LAB_ERR_CHECKSUM_MISMATCH: { status: 502, exit: 65 },
  LAB_ERR_PLATFORM_UNSUPPORTED: { status: 400, exit: 69 },
  LAB_ERR_IMAGE_PULL_FAILED: { status: 502, exit: 69 },
  LAB_ERR_ABORTED: { status: 503, exit: 130 },
  LAB_ERR_COHORT_NOT_FOUND: { status: 404, exit: 66 },
  LAB_ERR_COHORT_FULL: { status: 409, exit: 75 },
  LAB_ERR_COHORT_EXISTS: { status: 409, exit: 65 },
  LAB_ERR_TRAINEE_NOT_FOUND: { status: 404, exit: 66 },
  LAB_ERR_JOIN_INVALID: { status: 403, exit: 77 },
  LAB_ERR_WORKSPACE_CHANGED: { status: 409, exit: 75 },
  // Gating: the step opens once the earlier steps' checks pass (or the instructor opens it).
  LAB_ERR_STEP_LOCKED: { status: 403, exit: 77 },
} as const

export type ErrorCode = keyof typeof errorCatalog

export interface AppErrorOptions {
  /** One sentence for the learner, author or instructor: what went wrong. */
  message: string
  /** What to do about it. */
  hint?: string
  /** The foreign error this one translates. Never shown to users. */
  cause?: unknown
  /** Structured details safe to show (file, line, field). */
  details?: Record<string, unknown>
}

/** An operational error with a stable code. */
export class AppError extends Error {
  readonly code: ErrorCode
  readonly hint: string | undefined
  readonly details: Record<string, unknown> | undefined

  constructor(code: ErrorCode, options: AppErrorOptions) {
    super(options.message, options.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'AppError'
    this.code = code
    this.hint = options.hint
    this.details = options.details
  }

  get status(): number {
    return errorCatalog[this.code].status
  }

  get exitCode(): number {
    return errorCatalog[this.code].exit
  }
}

export function isAppError(value: unknown): value is AppError {
  return value instanceof AppError
}

/** Wraps anything thrown into an AppError, keeping AppErrors as they are. */
export function toAppError(err: unknown): AppError {
  if (isAppError(err)) {
    return err
  }
  return new AppError('LAB_ERR_INTERNAL', {
    message: 'kindlab hit an unexpected error.',
    hint: 'Run the command again with --debug and report the stack trace.',
    cause: err,
  })
}
