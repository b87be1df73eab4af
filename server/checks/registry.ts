// The explicit, sorted registry of check kinds a lab may declare. Add a kind: write it under
// kinds/, list it here, document it in labs/README.md.
import type { CheckKind } from './types.ts'
import { commandCheck } from './kinds/command.ts'
import { fileCheck } from './kinds/file.ts'

/** Erases a kind's parameter type for the registry; params are schema-checked before `run`. */
function erase<P>(kind: CheckKind<P>): CheckKind {
  return kind as unknown as CheckKind
}

const all: readonly CheckKind[] = [erase(commandCheck), erase(fileCheck)]

export const checkKinds: ReadonlyMap<string, CheckKind> = new Map(all.map((k) => [k.kind, k]))
