// The one validation dialect of kindlab: every place that checks JSON against a schema (HTTP
// requests, lab.yaml and step front matter, check parameters, the server configuration, the
// cluster blueprint) compiles it here, with one Ajv configuration:
// - strict: a schema with a keyword Ajv does not know, or a `default` it would ignore, is a bug;
// - no silent removal of unknown fields: `additionalProperties: false` refuses them;
// - `default:` in a schema fills a missing property, so a default is written once, in the schema;
// - no type coercion, except for the text parts of a URL (path parameters, query string, headers),
//   which alone may read "3" as 3.
// Requests stop at the first error (a hostile client gets no extra work out of us); documents
// (files an author or operator wrote) report every error, with the offending data, so each can be
// shown at its file and line.
import { Ajv, type ErrorObject, type Options, type ValidateFunction } from 'ajv'
import type { Static, TSchema } from '@sinclair/typebox'

/** What is validated: a JSON request body, the text parts of a URL, or a document. */
export type Input = 'body' | 'text' | 'document'

const dialect: Options = {
  strict: true,
  removeAdditional: false,
  useDefaults: true,
  coerceTypes: false,
  allErrors: false,
  // `x-message`: the sentence our lab validator shows instead of Ajv's (labs/schema-issues.ts).
  keywords: ['x-message'],
}

const instances: Record<Input, Ajv> = {
  body: new Ajv(dialect),
  text: new Ajv({ ...dialect, coerceTypes: true }),
  document: new Ajv({ ...dialect, allErrors: true, verbose: true }),
}

/**
 * The compiled validator of `schema` for `input` (compiled once per schema object). Validating
 * fills the schema's defaults into the value, in place.
 */
export function validatorFor<T extends TSchema>(schema: T, input: Input = 'document'): ValidateFunction<Static<T>> {
  return instances[input].compile<Static<T>>(schema)
}

/** The outcome of {@link validateDocument}: the value with its defaults, or every error. */
export type Validated<T> = { ok: true; value: T } | { ok: false; errors: ErrorObject[] }

/**
 * Validates a document (a copy of `value` is defaulted, never the caller's object) and returns it
 * typed, or every error.
 */
export function validateDocument<T extends TSchema>(schema: T, value: unknown): Validated<Static<T>> {
  const copy = structuredClone(value)
  const validate = validatorFor(schema, 'document')
  return validate(copy) ? { ok: true, value: copy } : { ok: false, errors: [...(validate.errors ?? [])] }
}

/** Errors as one line for logs and operator messages: `/port must be <= 65535; / must have ...`. */
export function errorsText(errors: readonly ErrorObject[]): string {
  return errors.map((e) => `${e.instancePath || '/'} ${e.message ?? 'is not valid'}`).join('; ')
}
