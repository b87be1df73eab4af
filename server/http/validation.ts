// The validator compiler buildApp installs for every route: the app-wide dialect
// (server/validation/dialect.ts). A JSON body is checked as sent, with no type coercion and no
// silent removal of unknown fields, so a malformed request is a 400 and never half-accepted. The
// URL's parts (path parameters, query string) and headers are text by nature: they alone may turn
// "3" into 3, and they too keep unknown fields for the schema to refuse. Route schemas are TypeBox
// objects, so the handlers' types come from the same schemas (@fastify/type-provider-typebox).
import type { TSchema } from '@sinclair/typebox'
import type { FastifySchemaCompiler } from 'fastify'
import { validatorFor } from '../validation/dialect.ts'

/** The validator compiler buildApp installs for every route. */
export const validatorCompiler: FastifySchemaCompiler<TSchema> = ({ schema, httpPart }) =>
  validatorFor(schema, httpPart === 'body' ? 'body' : 'text')
