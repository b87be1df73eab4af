// Check kind `file`: a file exists in the learner's workspace and (optionally) matches a pattern.
import { Type, type Static } from '@sinclair/typebox'
import type { CheckKind } from '../types.ts'

const params = Type.Object(
  {
    path: Type.String({ minLength: 1, description: 'Path relative to the workspace.' }),
    pattern: Type.Optional(Type.String({ description: 'Regular expression the content must match.' })),
  },
  { additionalProperties: false },
)

export const fileCheck: CheckKind<Static<typeof params>> = {
  kind: 'file',
  description: 'A file exists in the workspace and, when a pattern is given, its content matches it.',
  paramsSchema: params,
  reads: () => [],
  async run(p, ctx) {
    const content = await ctx.readWorkspaceFile(p.path)
    if (content === undefined) {
      const message = `There is no file ${p.path} in your workspace yet.`
      return {
        passed: false,
        message,
        hint: `Create ${p.path} (your terminal starts in the workspace folder).`,
        layers: [{ layer: 'workspace', passed: false, message }],
      }
    }
    if (p.pattern !== undefined && !new RegExp(p.pattern, 'm').test(content)) {
      const message = `${p.path} exists, but its content is not what the step asks for.`
      return { passed: false, message, layers: [{ layer: 'workspace', passed: false, message }] }
    }
    return {
      passed: true,
      message: `${p.path} looks right.`,
      layers: [{ layer: 'workspace', passed: true, message: 'file found' }],
    }
  },
}
