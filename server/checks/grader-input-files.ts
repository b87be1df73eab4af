// Adapters that feed the grader kinds from files: a lab's environment manifests (read from the lab
// folder) and an in-memory resource source over YAML texts (`kindlab check --resources`, tests).
// The only file reading of the grader checks; it translates read errors into AppErrors.
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { AppError } from '../errors.ts'
import { parseRawObjects } from './grader-input-objects.ts'
import type { LabEnvironmentSource, ResourceSnapshot, TextResourceSource } from './live-services.ts'

/** The part of a loaded lab the environment source needs. */
export interface LabManifests {
  id: string
  /** Absolute path of the lab folder. */
  dir: string
  /** lab.yaml `environment`: paths relative to the lab folder. */
  environment: readonly string[]
}

/**
 * Serves each lab's environment manifests from its folder, read once and kept.
 * @example const services: GradingServices = { resources, labEnvironment: createLabEnvironmentSource(labs) }
 */
export function createLabEnvironmentSource(labs: readonly LabManifests[]): LabEnvironmentSource {
  const byId = new Map(labs.map((lab) => [lab.id, lab]))
  const cache = new Map<string, Promise<Array<{ file: string; text: string }>>>()
  return {
    manifests(labId) {
      let texts = cache.get(labId)
      if (texts === undefined) {
        const lab = byId.get(labId)
        texts = lab === undefined ? Promise.resolve([]) : readManifests(lab)
        cache.set(labId, texts)
      }
      return texts
    },
  }
}

async function readManifests(lab: LabManifests): Promise<Array<{ file: string; text: string }>> {
  return Promise.all(
    lab.environment.map(async (file) => {
      try {
        return { file: `${lab.id}/${file}`, text: await readFile(join(lab.dir, file), 'utf8') }
      } catch (err) {
        throw new AppError('LAB_ERR_LAB_INVALID', {
          message: `The environment manifest ${file} of lab "${lab.id}" cannot be read.`,
          hint: 'Run `kindlab labs validate` to check the lab.',
          cause: err,
        })
      }
    }),
  )
}

/**
 * A resource source over YAML texts the caller already has, such as the file given to
 * `kindlab check --resources`. Objects without a namespace are placed by the grader input.
 */
export function createTextResourceSource(
  files: ReadonlyArray<{ file: string; text: string }>,
  description = 'your files',
): TextResourceSource {
  return {
    describe: () => description,
    texts: () => Promise.resolve([...files]),
    list(): Promise<ResourceSnapshot> {
      const snapshot: ResourceSnapshot = { objects: [], origins: [], problems: [] }
      for (const { file, text } of files) {
        for (const raw of parseRawObjects(text, file, '', 'learner')) {
          snapshot.objects.push(raw.object)
          snapshot.origins.push({
            file,
            ...(raw.source.document !== undefined ? { document: raw.source.document } : {}),
          })
        }
      }
      return Promise.resolve(snapshot)
    },
  }
}
