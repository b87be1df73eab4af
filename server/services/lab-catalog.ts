// The labs the server offers: loaded once at start, looked up by id and step, with each session's
// variable values (lab defaults, then the session's own such as a trainee's domain).
import type { Lab, Step } from '../labs/load-labs.ts'
import type { LabDto, LabSummaryDto } from '../protocol/api-dto.ts'
import { AppError } from '../errors.ts'
import { substituteVariables } from '../labs/variables.ts'

export interface LabCatalog {
  list(): LabSummaryDto[]
  get(labId: string): Lab
  /** The lab with its step and check titles filled in with these variables (lab defaults otherwise). */
  describe(labId: string, sessionVars?: Readonly<Record<string, string>>): LabDto
  step(labId: string, stepIndex: number): { lab: Lab; step: Step }
  varsFor(lab: Lab, sessionVars: Readonly<Record<string, string>>): Record<string, string>
}

/**
 * @param varDefaults values for variables the server knows (lab default < these < the session's own);
 *   applied only to variables a lab declares.
 */
export function createLabCatalog(labs: readonly Lab[], varDefaults: Readonly<Record<string, string>> = {}): LabCatalog {
  const byId = new Map(labs.map((l) => [l.id, l]))
  const summary = (lab: Lab): LabSummaryDto => ({
    id: lab.id,
    title: lab.title,
    summary: lab.summary,
    duration: lab.duration,
    stepCount: lab.steps.length,
    needsCluster: (lab.requires as { cluster?: string } | undefined)?.cluster !== 'none',
  })
  const catalog: LabCatalog = {
    list: () => [...byId.values()].map(summary),
    get(labId) {
      const lab = byId.get(labId)
      if (!lab) {
        throw new AppError('LAB_ERR_LAB_NOT_FOUND', {
          message: `There is no lab called "${labId}".`,
          hint: `Available labs: ${[...byId.keys()].join(', ') || 'none'}.`,
        })
      }
      return lab
    },
    describe(labId, sessionVars = {}) {
      const lab = catalog.get(labId)
      const vars = catalog.varsFor(lab, sessionVars)
      return {
        ...summary(lab),
        steps: lab.steps.map((s) => ({
          index: s.index,
          slug: s.slug,
          title: substituteVariables(s.title, vars),
          checks: s.checks.map((c) => ({ id: c.id, title: substituteVariables(c.title ?? c.id, vars) })),
        })),
      }
    },
    step(labId, stepIndex) {
      const lab = catalog.get(labId)
      const step = lab.steps[stepIndex]
      if (!step) {
        throw new AppError('LAB_ERR_STEP_NOT_FOUND', {
          message: `Lab "${labId}" has no step ${stepIndex + 1}.`,
          hint: `It has ${lab.steps.length} steps.`,
        })
      }
      return { lab, step }
    },
    varsFor(lab, sessionVars) {
      const vars: Record<string, string> = {}
      for (const [name, def] of Object.entries(lab.variables ?? {})) {
        vars[name] = varDefaults[name] ?? String(def.default ?? '')
      }
      return { ...vars, ...sessionVars }
    },
  }
  return catalog
}
