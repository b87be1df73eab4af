// The one validation dialect of the HTTP API: a JSON body is checked as sent, with no type
// coercion and no silent removal of unknown fields, so a malformed request is a 400 and never
// half-accepted. The URL's parts (path parameters, query string) and headers are text by nature:
// they alone may turn "3" into 3, and they too keep unknown fields for the schema to refuse.
import { Ajv, type Options } from 'ajv'
import type { FastifySchemaCompiler } from 'fastify'

const common: Options = { removeAdditional: false, useDefaults: false, allErrors: false, strict: true }
const body = new Ajv({ ...common, coerceTypes: false })
const text = new Ajv({ ...common, coerceTypes: true })

/** The validator compiler buildApp installs for every route. */
export const validatorCompiler: FastifySchemaCompiler<unknown> = ({ schema, httpPart }) =>
  (httpPart === 'body' ? body : text).compile(schema as object)
