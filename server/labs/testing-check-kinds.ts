// Test support only: the two general check kinds with their parameter schemas, so the labs tests do
// not depend on the check runner. Mirrors server/checks/kinds/{command,file}.ts.
import { Type } from '@sinclair/typebox'
import type { CheckKinds } from './lab-schema.ts'

/** `command` and `file`, as the validator sees them. */
export const testCheckKinds: CheckKinds = new Map([
  [
    'command',
    {
      kind: 'command',
      description: 'Runs a shell command in the workspace; passes on exit 0.',
      paramsSchema: Type.Object(
        {
          run: Type.String({ minLength: 1, description: 'Shell command; passes when it exits 0.' }),
          timeoutSec: Type.Number({ minimum: 1, maximum: 300, default: 20 }),
          expectOutput: Type.Optional(Type.String()),
        },
        { additionalProperties: false },
      ),
    },
  ],
  [
    'file',
    {
      kind: 'file',
      description: 'A workspace file exists and matches a pattern.',
      paramsSchema: Type.Object(
        { path: Type.String({ minLength: 1 }), pattern: Type.Optional(Type.String()) },
        { additionalProperties: false },
      ),
    },
  ],
])
