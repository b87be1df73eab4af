// Check kind `resource`: an object exists (or is gone) and its fields hold the expected values,
// e.g. frontend-external is deleted, a Secret is in istio-system with type kubernetes.io/tls.
// Live, the cluster API decides; offline, the learner's files over the lab's environment (kindlab
// cannot see `kubectl delete` offline, so a baseline object it cannot see deleted is `unverified`).
// Messages never reveal the expected value (unless the lab says `reveal: true`), nor a regex.
import { Type, type Static } from '@sinclair/typebox'
import type { CheckKind, CheckOutcome } from '../../types.ts'
import { graderInput, type GraderInput, keyOf, type RawObject } from '../../grader-input.ts'
import { describeRef, groupOf, type ObjectRef } from '../../grader-input-objects.ts'
import { fieldSegments, getField, sameValue, show, textOf } from '../../../grader/judge/field-path.ts'
import { ran, unverified } from '../../../grader/judge/verdict.ts'

const fieldSchema = Type.Object(
  {
    path: Type.String({
      minLength: 1,
      description: 'Field path, e.g. spec.ports[0].port or spec.ports[name=http].port.',
    }),
    equals: Type.Optional(Type.Unknown({ description: 'The value the field must have (scalars compare as text).' })),
    matches: Type.Optional(Type.String({ description: 'Regular expression the field (as text) must match.' })),
    absent: Type.Optional(Type.Boolean({ description: 'The field must not be set.' })),
    hint: Type.Optional(
      Type.String({
        minLength: 1,
        description: 'Specific hint when this field is wrong (instead of revealing the value).',
      }),
    ),
    reveal: Type.Optional(
      Type.Boolean({ description: "Say the expected value when the field is wrong. Default: the check's reveal." }),
    ),
  },
  { additionalProperties: false },
)

const params = Type.Object(
  {
    object: Type.Object(
      {
        apiVersion: Type.Optional(Type.String({ minLength: 1, description: 'Only its group matters (v1 = core).' })),
        kind: Type.String({ minLength: 1 }),
        name: Type.String({ minLength: 1 }),
        namespace: Type.Optional(Type.String({ minLength: 1, description: 'Default: the learner namespace.' })),
      },
      { additionalProperties: false },
    ),
    exists: Type.Boolean({ default: true, description: 'false: the object must be gone.' }),
    createdWithKubectl: Type.Optional(
      Type.Boolean({
        description:
          'The learner may create it imperatively (kubectl create secret ...), with no file. Offline, its absence is then left open unless the files hold other objects of its kind.',
      }),
    ),
    fields: Type.Optional(Type.Array(fieldSchema, { description: 'Field conditions, all of which must hold.' })),
    reveal: Type.Boolean({
      default: false,
      description:
        'Say the expected value of a wrong field (off by default: the answer is the point of the step). A regex is never shown.',
    }),
  },
  { additionalProperties: false },
)
type Params = Static<typeof params>

/** An object exists with the expected fields, or does not exist. */
export const resourceCheck: CheckKind<Params> = {
  kind: 'resource',
  description: 'A Kubernetes object exists with the expected field values, or is gone (exists: false).',
  paramsSchema: params,
  reads: (p) => [p.object.kind],
  async run(p, ctx) {
    const input = await graderInput(ctx)
    const want: ObjectRef = {
      group: p.object.apiVersion === undefined ? '*' : groupOf(p.object.apiVersion),
      kind: p.object.kind,
      namespace: p.object.namespace ?? input.learnerNamespace,
      name: p.object.name,
    }
    const found = findObject(input, want)
    if (!p.exists) {
      return checkGone(input, want, found)
    }
    if (found === undefined && input.live && !ALWAYS_LISTED.has(want.kind) && !hasKind(input, want.kind)) {
      return unverified(
        `cannot see ${want.kind}s here: ${input.sourceDescription} lists none, so ${describeRef(want)} is not checked.`,
      )
    }
    if (found === undefined && p.createdWithKubectl === true && !input.live && !hasKind(input, want.kind)) {
      return unverified(
        `needs the cluster: ${describeRef(want)} made with \`kubectl create\` is not visible offline, and no file of yours holds it.`,
      )
    }
    return checkPresent(input, want, found, p.fields ?? [], p.reveal)
  },
}

function findObject(input: GraderInput, want: ObjectRef): RawObject | undefined {
  const match = (o: RawObject): boolean =>
    (want.group === '*' || o.ref.group === want.group) &&
    o.ref.kind.toLowerCase() === want.kind.toLowerCase() &&
    o.ref.namespace === want.namespace &&
    o.ref.name === want.name
  // The learner's version (or the cluster's) wins over the environment's.
  return input.objects.find((o) => o.origin !== 'environment' && match(o)) ?? input.objects.find(match)
}

/** Kinds every live resource source lists (the grader's model); others may not be listed at all. */
const ALWAYS_LISTED = new Set(['Gateway', 'VirtualService', 'DestinationRule', 'ServiceEntry', 'Service', 'Pod'])

function hasKind(input: GraderInput, kind: string): boolean {
  return input.objects.some((o) => o.origin !== 'environment' && o.ref.kind.toLowerCase() === kind.toLowerCase())
}

function wasDeleted(input: GraderInput, want: ObjectRef): boolean {
  return input.deleted.some(
    (d) =>
      d.kind.toLowerCase() === want.kind.toLowerCase() &&
      d.namespace === want.namespace &&
      d.name === want.name &&
      (want.group === '*' || keyOf(d) === keyOf(want)),
  )
}

function checkGone(input: GraderInput, want: ObjectRef, found: RawObject | undefined): CheckOutcome {
  const what = describeRef(want)
  if (found === undefined) {
    return {
      passed: true,
      message: `${what} is gone.`,
      layers: [ran('config', true, input.live ? `not in ${input.sourceDescription}` : 'deleted')],
    }
  }
  if (found.origin === 'environment' && input.deleted.length > 0) {
    const others = input.deleted.map(describeRef).join(', ')
    return {
      passed: false,
      message: `${what} still exists: your files delete ${others}, not it.`,
      hint: `Delete ${what}: \`kubectl -n ${want.namespace} delete ${want.kind.toLowerCase()} ${want.name}\`${input.deleted.some((d) => d.name !== want.name) ? `, and re-create ${others}, which must stay` : ''}.`,
      cause: 'object-still-exists',
      layers: [ran('config', false, 'still exists')],
    }
  }
  if (found.origin === 'environment') {
    return unverified(
      `needs the cluster: \`kubectl delete\` is not visible offline, so kindlab cannot tell whether ${what} is gone (a kindlab.dev/v1 Deleted marker in your files records it).`,
    )
  }
  const where = found.source.file === undefined ? input.sourceDescription : found.source.file
  const message = `${what} still exists (${where}).`
  return {
    passed: false,
    message,
    hint: `Delete it: \`kubectl -n ${want.namespace} delete ${want.kind.toLowerCase()} ${want.name}\`${found.origin === 'learner' ? `, and remove it from ${where} so it is not applied again` : ''}.`,
    cause: 'object-still-exists',
    layers: [ran('config', false, 'still exists')],
  }
}

function checkPresent(
  input: GraderInput,
  want: ObjectRef,
  found: RawObject | undefined,
  fields: Params['fields'] & object,
  reveal: boolean,
): CheckOutcome {
  const what = describeRef(want)
  if (found === undefined) {
    return missing(input, want)
  }
  for (const f of fields) {
    const actual = getField(found.object, f.path)
    const problem = fieldProblem(actual, f, f.reveal ?? reveal)
    if (problem !== undefined) {
      // The line of the field itself (or of its nearest parent the file has), not of the document.
      const line = found.lineAt?.(fieldSegments(found.object, f.path)) ?? found.source.line
      const at = found.source.file === undefined ? '' : ` (${found.source.file}${line === undefined ? '' : `:${line}`})`
      return {
        passed: false,
        message: `${what}: ${f.path} is ${show(actual)}, ${problem}.`,
        hint: `${what} ${f.path}${at}: ${show(actual)}, ${problem}.`,
        cause: 'field-wrong',
        ...(f.hint === undefined ? {} : { writtenHint: f.hint }),
        layers: [ran('config', false, `${f.path} is ${show(actual)}`)],
      }
    }
  }
  return {
    passed: true,
    message: `${what} is as expected.`,
    layers: [ran('config', true, fields.length === 0 ? 'exists' : `${fields.length} field(s) as expected`)],
  }
}

function missing(input: GraderInput, want: ObjectRef): CheckOutcome {
  const what = describeRef(want)
  const deleted = wasDeleted(input, want)
  const elsewhere = input.objects.filter(
    (o) => o.ref.kind.toLowerCase() === want.kind.toLowerCase() && o.ref.name === want.name,
  )
  const message = deleted
    ? `${what} was deleted, but it must stay.`
    : `${what} does not exist${input.live ? '' : ' in your files'}.`
  const where = elsewhere.map((o) => `namespace ${o.ref.namespace}`).join(', ')
  const hint = deleted
    ? `Re-create ${what}; only the object the step names should be deleted.`
    : elsewhere.length > 0
      ? `There is a ${want.kind} named ${want.name} in ${where}, but it must be in namespace ${want.namespace}: set metadata.namespace: ${want.namespace}.`
      : `Create ${what}${input.live ? '' : ' in a file in your workspace'} and apply it with kubectl.`
  return {
    passed: false,
    message,
    hint,
    cause: 'object-missing',
    layers: [ran('config', false, deleted ? 'deleted' : 'missing')],
  }
}

/** What is wrong with a field, without the expected value unless `reveal`; never a raw regex. */
export function fieldProblem(
  actual: unknown,
  f: { equals?: unknown; matches?: string; absent?: boolean },
  reveal: boolean,
): string | undefined {
  if (f.absent === true) {
    return actual === undefined ? undefined : 'expected it not to be set'
  }
  if (f.equals !== undefined && !sameValue(actual, f.equals)) {
    return reveal ? `expected ${show(f.equals)}` : 'not the value this step asks for'
  }
  if (f.matches !== undefined && (actual === undefined || !new RegExp(f.matches).test(textOf(actual)))) {
    return 'not in the form this step asks for'
  }
  if (f.equals === undefined && f.matches === undefined && actual === undefined) {
    return 'expected it to be set'
  }
  return undefined
}
