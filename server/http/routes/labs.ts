// The lab API: list, one lab, a rendered step, a lab's assets, progress, and running a step's checks.
// With gating on (the lab's, or the learner's cohort's), a locked step's content, Checks and
// "current step" answer 403 LAB_ERR_STEP_LOCKED: the page hides nothing the server would give.
import { extname } from 'node:path'
import { Type } from '@sinclair/typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyRequest } from 'fastify'
import { AppError } from '../../errors.ts'
import { stepLocks } from '../../labs/gating.ts'
import type { Lab } from '../../labs/lab-model.ts'
import { renderStep } from '../../labs/render-step.ts'
import type { CheckRunDto, ProgressDto, StepDto } from '../../protocol/api-dto.ts'
import type { GradingService } from '../../services/grading-service.ts'
import type { LabCatalog } from '../../services/lab-catalog.ts'
import { bearerToken, type SessionService } from '../../services/session-service.ts'
import type { ProgressRepo } from '../../store/progress-repo.ts'
import type { SessionRecord } from '../../store/sessions-repo.ts'
import { readLabAsset } from '../../services/workspace-files.ts'

export interface LabRoutesOptions {
  catalog: LabCatalog
  sessions: SessionService
  progress: ProgressRepo
  grading: GradingService
  /** Gating for a session in a cohort (undefined: not in one, the lab's own `gating` applies). */
  gatingFor?: (sessionId: string, lab: Lab) => boolean | undefined
}

const labId = Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,62}$' })
const labParams = Type.Object({ lab: labId }, { additionalProperties: false })
const stepParams = Type.Object(
  { lab: labId, step: Type.Integer({ minimum: 0, maximum: 999 }) },
  { additionalProperties: false },
)
const assetParams = Type.Object(
  { lab: labId, file: Type.String({ maxLength: 200, pattern: '^[\\w.-]+$' }) },
  { additionalProperties: false },
)
const currentStepBody = Type.Object({ step: Type.Integer({ minimum: 0 }) }, { additionalProperties: false })
const checkBody = Type.Object(
  { checkIds: Type.Optional(Type.Array(Type.String({ maxLength: 80 }), { maxItems: 50 })) },
  { additionalProperties: false },
)

const assetTypes: Record<string, string> = {
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
}

export const labRoutes: FastifyPluginAsyncTypebox<LabRoutesOptions> = async (app, opts) => {
  const { catalog, sessions } = opts
  const optionalSession = (request: FastifyRequest) => sessions.authenticate(bearerToken(request.headers.authorization))
  const locksFor = (session: SessionRecord | undefined, lab: Lab): Map<number, string> => {
    const gated = (session ? opts.gatingFor?.(session.id, lab) : undefined) ?? lab.gating
    return gated
      ? stepLocks(lab.steps, session ? opts.progress.get(session.id, lab.id).passedSteps : [], true)
      : new Map<number, string>()
  }
  const requireOpen = (session: SessionRecord | undefined, lab: Lab, stepIndex: number): void => {
    const why = locksFor(session, lab).get(stepIndex)
    if (why) {
      throw new AppError('LAB_ERR_STEP_LOCKED', {
        message: why,
        hint: 'Press Check on that step once it is done; your instructor can also open the steps for you.',
        details: { step: stepIndex },
      })
    }
  }

  app.get('/labs', async () => catalog.list())

  app.get('/labs/:lab', { schema: { params: labParams } }, async (request) => {
    const { lab: labId } = request.params
    const session = optionalSession(request)
    // Titles name the learner's own hosts (${TRAINEE_DOMAIN} filled in), also after a reload.
    const described = catalog.describe(labId, session?.vars ?? {})
    const locks = locksFor(session, catalog.get(labId))
    return {
      ...described,
      steps: described.steps.map((s) => (locks.has(s.index) ? { ...s, locked: locks.get(s.index) } : s)),
    }
  })

  app.get('/labs/:lab/steps/:step', { schema: { params: stepParams } }, async (request): Promise<StepDto> => {
    const { lab: labId, step: stepIndex } = request.params
    const { lab, step } = catalog.step(labId, stepIndex)
    const session = optionalSession(request)
    requireOpen(session, lab, stepIndex)
    const vars = catalog.varsFor(lab, session?.vars ?? {})
    const rendered = renderStep(lab, step, vars)
    return { index: step.index, title: step.title, html: rendered.html, checkIds: rendered.checkIds }
  })

  app.get('/labs/:lab/assets/:file', { schema: { params: assetParams } }, async (request, reply) => {
    const { lab: labId, file } = request.params
    const lab = catalog.get(labId)
    const type = assetTypes[extname(file).toLowerCase()]
    if (!type || !/^[\w.-]+$/.test(file)) {
      throw new AppError('LAB_ERR_NOT_FOUND', { message: `The lab has no asset called ${file}.` })
    }
    const body = await readLabAsset(lab, file)
    void reply
      .header('content-type', type)
      .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'")
    return body
  })

  app.get('/labs/:lab/progress', { schema: { params: labParams } }, async (request): Promise<ProgressDto> => {
    const session = sessions.require(bearerToken(request.headers.authorization))
    const { lab } = request.params
    catalog.get(lab)
    return opts.progress.get(session.id, lab)
  })

  app.put(
    '/labs/:lab/progress/current',
    {
      schema: { params: labParams, body: currentStepBody },
    },
    async (request, reply) => {
      const session = sessions.require(bearerToken(request.headers.authorization))
      const { lab } = request.params
      const { step } = request.body
      requireOpen(session, catalog.step(lab, step).lab, step)
      opts.progress.setCurrentStep(session.id, lab, step)
      return reply.status(204).send()
    },
  )

  app.post(
    '/labs/:lab/steps/:step/check',
    {
      config: { rateLimited: true },
      schema: { params: stepParams, body: checkBody },
    },
    async (request): Promise<CheckRunDto> => {
      const session = sessions.require(bearerToken(request.headers.authorization))
      const { lab: labId, step: stepIndex } = request.params
      const { checkIds } = request.body
      const { lab, step } = catalog.step(labId, stepIndex)
      requireOpen(session, lab, stepIndex)
      return opts.grading.grade({
        session,
        labId,
        stepIndex,
        stepChecks: step.checks,
        ...(checkIds ? { onlyIds: checkIds } : {}),
        vars: catalog.varsFor(lab, session.vars),
      })
    },
  )
}
