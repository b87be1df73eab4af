// The lab format as data: TypeBox schemas for lab.yaml and step front matter, and the types derived
// from them. Pure: no I/O. `x-message` is an annotation our validator shows instead of ajv's text.
import { Type } from '@sinclair/typebox'
import type { Static, TSchema, TString } from '@sinclair/typebox'
import { CAUSES } from '../checks/causes.ts'

/** Kebab-case: lab ids, check ids, app and addon names. */
export const KEBAB_CASE = '^[a-z0-9]+(-[a-z0-9]+)*$'
/** A variable name as written in `${NAME}`. */
export const VARIABLE_NAME = '^[A-Z][A-Z0-9_]*$'
/** A key of `hintByCause`: a cause of the catalog, or an analyzer code. */
const CAUSE_PATTERN = `^(${Object.keys(CAUSES).join('|')}|(IST|GRD)[0-9]{4})$`
/** A step file: `steps/NN-slug.md`, two-digit prefix, kebab-case slug. */
export const STEP_FILE = '^steps/[0-9]{2}-[a-z0-9]+(-[a-z0-9]+)*\\.md$'

const kebab = (what: string, options: Record<string, unknown> = {}): TString =>
  Type.String({
    pattern: KEBAB_CASE,
    'x-message': `${what} must be kebab-case: lowercase letters, digits and single dashes, like "hello-world".`,
    ...options,
  })

const text = (description: string): TString => Type.String({ minLength: 1, description })

/** A hint is one sentence, or a list shown one at a time (nudge first, exact fix last). */
export const HintSchema = Type.Union(
  [Type.String({ minLength: 1 }), Type.Array(Type.String({ minLength: 1 }), { minItems: 1 })],
  {
    description: 'Shown when the check fails; with a list, each failed attempt shows the next one.',
    'x-message': 'hint must be a sentence, or a list of sentences shown one at a time.',
  },
)

/** Written hints keyed by the cause the grader reports (server/checks/causes.ts), e.g. no-gateways. */
export const HintByCauseSchema = Type.Record(Type.String({ pattern: CAUSE_PATTERN }), HintSchema, {
  additionalProperties: false,
  description:
    'Hints for a specific cause of failure (no-gateways, host-mismatch, IST0101, ...); the plain hint is the fallback.',
  'x-message': `hintByCause keys must be causes the grader reports: ${Object.keys(CAUSES).join(', ')}, or an analyzer code such as IST0101.`,
})

/**
 * A check as declared by an author. The fields besides `id`, `kind`, `title`, `hint` and `hintByCause` are the
 * kind's parameters, validated against that kind's `paramsSchema`.
 */
export const CheckSpecSchema = Type.Object(
  {
    id: kebab('A check id', { description: "Unique in the lab; named in the step's check blocks." }),
    kind: Type.String({ minLength: 1, description: 'The check kind, e.g. command or file.' }),
    title: Type.Optional(text('What the learner sees next to the check result.')),
    hint: Type.Optional(HintSchema),
    hintByCause: Type.Optional(HintByCauseSchema),
  },
  { additionalProperties: true },
)

/** What the cluster must provide for the lab to run. */
export const RequiresSchema = Type.Object(
  {
    cluster: Type.Union([Type.Literal('none'), Type.Literal('kind'), Type.Literal('any')], {
      description: 'none: works offline; kind: a local kind cluster; any: any Kubernetes cluster.',
      'x-message': 'requires.cluster must be one of: none, kind, any.',
    }),
    istio: Type.Optional(Type.Boolean({ description: 'Istio must be installed.' })),
    apps: Type.Optional(Type.Array(kebab('An app name'), { description: 'Apps deployed before the lab starts.' })),
    addons: Type.Optional(Type.Array(kebab('An addon name'), { description: 'Addons such as kiali or jaeger.' })),
  },
  { additionalProperties: false, description: 'What the cluster must provide.' },
)

/** A variable the step text, check parameters and file blocks can use as `${NAME}`. */
export const VariableSchema = Type.Object(
  {
    default: Type.String({ description: 'The value used when the session sets none.' }),
    description: text('What the value means, shown to instructors.'),
  },
  { additionalProperties: false },
)

/** One entry of lab.yaml `steps`. */
export const StepEntrySchema = Type.Object(
  {
    file: Type.String({
      pattern: STEP_FILE,
      description: 'The step file, relative to the lab folder.',
      'x-message': 'A step file must be named steps/NN-slug.md: a two-digit number, a dash, a kebab-case slug.',
    }),
    title: Type.Optional(text('Overrides the title from the step file.')),
    checks: Type.Optional(
      Type.Array(CheckSpecSchema, { description: "Checks of this step (the step's front matter may add more)." }),
    ),
  },
  { additionalProperties: false },
)

/** The whole of lab.yaml. */
export const LabYamlSchema = Type.Object(
  {
    id: kebab('The lab id', { description: 'Kebab-case; equals the folder name.' }),
    title: text('The lab title.'),
    summary: text('One or two sentences for the lab list.'),
    duration: Type.String({
      pattern: '^([0-9]+h)?([0-9]+m)?$',
      minLength: 2,
      description: 'How long the lab takes, e.g. 45m or 1h30m.',
      'x-message': 'duration must look like 45m, 2h or 1h30m.',
    }),
    requires: RequiresSchema,
    gating: Type.Boolean({
      default: false,
      description:
        "Each step with checks must pass before the later steps open. A cohort can turn it on or off for its class; an instructor can open a trainee's steps.",
    }),
    variables: Type.Record(Type.String({ pattern: VARIABLE_NAME }), VariableSchema, {
      additionalProperties: false,
      default: {},
      description: 'Variables by NAME (uppercase, digits, underscores).',
      'x-message': 'Variable names are UPPER_CASE: letters, digits and underscores, starting with a letter.',
    }),
    environment: Type.Array(
      Type.String({
        pattern: '^manifests/([A-Za-z0-9_][A-Za-z0-9._-]*/)*[A-Za-z0-9_][A-Za-z0-9._-]*\\.ya?ml$',
        'x-message': 'An environment entry is a .yaml file under manifests/, e.g. manifests/namespace.yaml.',
      }),
      { default: [], description: 'Baseline manifests applied when the lab starts, e.g. manifests/shop.yaml.' },
    ),
    steps: Type.Array(StepEntrySchema, { minItems: 1, description: 'The steps, in order.' }),
  },
  { additionalProperties: false },
)

/** The YAML front matter of a step file. */
export const StepFrontMatterSchema = Type.Object(
  {
    title: Type.Optional(text('The step title.')),
    checks: Type.Optional(Type.Array(CheckSpecSchema)),
  },
  { additionalProperties: false },
)

/** A check declaration: id, kind, optional title and hint, and the kind's parameters. */
export type CheckSpec = Static<typeof CheckSpecSchema> & { [param: string]: unknown }
/** What the cluster must provide. */
export type Requires = Static<typeof RequiresSchema>
/** A declared variable. */
export type VariableSpec = Static<typeof VariableSchema>
/** One entry of lab.yaml `steps`. */
export type StepEntry = Static<typeof StepEntrySchema>
/** lab.yaml as validated, with the schema's defaults filled in. */
export type LabYaml = Static<typeof LabYamlSchema>
/** A step's front matter as validated. */
export type StepFrontMatter = Static<typeof StepFrontMatterSchema>

/** One kind of check, as the check registry (server/checks/registry.ts) describes it. */
export interface CheckKindInfo {
  kind: string
  description: string
  /** Schema of the parameters: the check's fields other than id, kind, title and hint. */
  paramsSchema: TSchema
}

/** The known check kinds by name. */
export type CheckKinds = ReadonlyMap<string, CheckKindInfo>
