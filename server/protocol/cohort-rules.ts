// The cohort form's rules, shared by the server (JSON schema, service checks) and the browser (the
// form's `pattern` attributes and its messages), so both say the same thing in the same words.
// Patterns escape `-` in classes, so they are valid with the `v` flag browsers use for `pattern`.
// Pure data, no dependencies.

/** A cohort name: a DNS label short enough to prefix namespaces (`kl-<name>-traineeNN`). */
export const COHORT_NAME_PATTERN = '^[a-z]([a-z0-9\\-]{0,28}[a-z0-9])?$'
/** A DNS domain under which trainees get `<trainee-id>.<domain>`. */
export const DOMAIN_PATTERN = '^(?=.{1,200}$)([a-z0-9]([a-z0-9\\-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}$'

export type CohortField = 'name' | 'labId' | 'trainees' | 'mode' | 'domain' | 'reserve' | 'webhookUrl' | 'gating'

/** One sentence per field, for people: what a valid value looks like. */
export const cohortFieldMessages: Record<CohortField, string> = {
  name: 'The name takes lower-case letters, digits and dashes (up to 30), starting with a letter and not ending with a dash, e.g. istio-class.',
  labId: 'Pick one of the labs in the list.',
  trainees: 'The number of trainees is a whole number from 1 to 200.',
  mode: 'Pick namespace or cluster isolation.',
  domain: 'The domain is a DNS name such as istio-class.example (lower-case, with a dot).',
  reserve: 'The warm pool is a whole number from 0 to 200.',
  webhookUrl: 'The webhook URL is an http(s) URL without a user name or password.',
  gating: 'Gating is on or off (true or false).',
}

/** A schema pattern as the HTML `pattern` attribute wants it (anchored by the browser itself). */
export function htmlPattern(schemaPattern: string): string {
  return schemaPattern.replace(/^\^/, '').replace(/\$$/, '')
}

/** The form field an ajv error is about: `/name` or a missing `name`. */
export function fieldOfSchemaError(error: {
  instancePath?: string
  params?: Record<string, unknown>
}): CohortField | undefined {
  const missing = error.params?.['missingProperty']
  const name = typeof missing === 'string' ? missing : (error.instancePath ?? '').split('/')[1]
  return name && Object.hasOwn(cohortFieldMessages, name) ? (name as CohortField) : undefined
}
