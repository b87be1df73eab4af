// The explicit, sorted list of `kindlab` commands. Each module defines its options and loads its
// heavy code lazily inside the action.
import type { Command } from 'commander'
import { registerCheck } from './check.ts'
import { registerCohort } from './cohort.ts'
import { registerDoctor } from './doctor.ts'
import { registerDown } from './down.ts'
import { registerImages } from './images.ts'
import { registerLabs } from './labs.ts'
import { registerRoutes } from './routes.ts'
import { registerServe } from './serve.ts'
import { registerSimulate } from './simulate.ts'
import { registerStatus } from './status.ts'
import { registerTools } from './tools.ts'
import { registerUp } from './up.ts'

type Register = (program: Command) => void

const commands: Register[] = [
  registerCheck,
  registerCohort,
  registerDoctor,
  registerDown,
  registerImages,
  registerLabs,
  registerRoutes,
  registerServe,
  registerSimulate,
  registerStatus,
  registerTools,
  registerUp,
]

export function registerCommands(program: Command): void {
  for (const register of commands) {
    register(program)
  }
}
