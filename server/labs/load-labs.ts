// Loads the labs the server offers: reads and validates a labs folder (I/O at the edge, in
// read-lab-files.ts) and keeps only the labs without errors. Also re-exports the lab model types.
import { checkKinds as registeredKinds } from '../checks/registry.ts'
import type { LabsResult } from './lab-model.ts'
import type { CheckKinds } from './lab-schema.ts'
import { validateLabs } from './validate-labs.ts'

export type { Lab, LabIssue, LabsResult, Step } from './lab-model.ts'
export type { CheckSpec } from './lab-schema.ts'

/** Options of {@link loadLabs}. */
export interface LoadLabsOptions {
  /**
   * The check kinds a lab may declare.
   * @default the registry in server/checks/registry.ts
   */
  checkKinds?: CheckKinds
}

/**
 * Reads every lab under `dir`. `labs` are the valid labs sorted by id; `issues` lists every error
 * (its lab is left out) and warning (its lab is kept), by file and line. Throws
 * LAB_ERR_INPUT_FILE when the folder cannot be read.
 * @example const { labs, issues } = await loadLabs(defaultLabsDir())
 */
export async function loadLabs(dir: string, options: LoadLabsOptions = {}): Promise<LabsResult> {
  const result = await validateLabs(dir, { checkKinds: options.checkKinds ?? registeredKinds })
  return { labs: [...result.labs].sort((a, b) => a.id.localeCompare(b.id)), issues: result.issues }
}
