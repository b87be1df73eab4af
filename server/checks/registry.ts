// The explicit, sorted registry of check kinds a lab may declare. Add a kind: write it under
// kinds/, list it here, document it in labs/README.md.
import type { CheckKind } from './types.ts'
import { commandCheck } from './kinds/command.ts'
import { fileCheck } from './kinds/file.ts'
import { analyzeCheck } from './kinds/grader/analyze.ts'
import { httpCheck } from './kinds/grader/http.ts'
import { resourceCheck } from './kinds/grader/resource.ts'
import { routeCheck } from './kinds/grader/route.ts'
import { statusCheck } from './kinds/grader/status.ts'
import { tcpCheck } from './kinds/grader/tcp.ts'
import { weightsCheck } from './kinds/grader/weights.ts'

/** Erases a kind's parameter type for the registry; params are validated and defaulted at lab load (check-params.ts). */
function erase<P>(kind: CheckKind<P>): CheckKind {
  return kind as unknown as CheckKind
}

const all: readonly CheckKind[] = [
  erase(analyzeCheck),
  erase(commandCheck),
  erase(fileCheck),
  erase(httpCheck),
  erase(resourceCheck),
  erase(routeCheck),
  erase(statusCheck),
  erase(tcpCheck),
  erase(weightsCheck),
]

export const checkKinds: ReadonlyMap<string, CheckKind> = new Map(all.map((k) => [k.kind, k]))
