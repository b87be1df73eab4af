// The one validation dialect, as every caller (routes, labs, check params, config, blueprint) sees it.
import { Type } from '@sinclair/typebox'
import { describe, expect, it } from 'vitest'
import { errorsText, validateDocument, validatorFor } from './dialect.ts'

const schema = Type.Object(
  { step: Type.Integer({ minimum: 0 }), mode: Type.String({ default: 'solo' }) },
  { additionalProperties: false },
)

describe('the validation dialect', () => {
  it('coerces text to numbers only for the text parts of a URL', () => {
    expect(validatorFor(schema, 'body')({ step: '3' })).toBe(false)
    expect(validatorFor(schema, 'document')({ step: '3' })).toBe(false)
    const fromUrl = { step: '3' }
    expect(validatorFor(schema, 'text')(fromUrl)).toBe(true)
    expect(fromUrl).toEqual({ step: 3, mode: 'solo' })
  })

  it('refuses unknown fields instead of removing them', () => {
    for (const input of ['body', 'text', 'document'] as const) {
      const value = { step: 1, extra: true }
      expect(validatorFor(schema, input)(value)).toBe(false)
      expect(value).toMatchObject({ step: 1, extra: true })
    }
  })

  it("fills a missing field from the schema's default, and keeps a given one", () => {
    expect(validateDocument(schema, { step: 1 })).toEqual({ ok: true, value: { step: 1, mode: 'solo' } })
    expect(validateDocument(schema, { step: 1, mode: 'class' })).toEqual({
      ok: true,
      value: { step: 1, mode: 'class' },
    })
  })

  it("defaults a copy: the caller's value is left as it was", () => {
    const value = { step: 1 }
    validateDocument(schema, value)
    expect(value).toEqual({ step: 1 })
  })

  it('reports every error of a document, and stops at the first for a request', () => {
    const bad = { step: -1, mode: 3, extra: true }
    const all = validateDocument(schema, bad)
    expect(all.ok).toBe(false)
    expect(all.ok ? '' : errorsText(all.errors)).toBe(
      '/ must NOT have additional properties; /step must be >= 0; /mode must be string',
    )
    const request = validatorFor(schema, 'body')
    expect(request(bad)).toBe(false)
    expect(request.errors).toHaveLength(1)
  })

  it('is strict: an unknown keyword or a default Ajv would ignore is a bug, found when compiling', () => {
    expect(() => validatorFor(Type.String({ 'x-unknown': 1 }))).toThrow(/unknown keyword/)
    const inUnion = Type.Union([Type.Object({ a: Type.String({ default: 'x' }) }), Type.Number()])
    expect(() => validatorFor(inUnion)).toThrow(/default is ignored/)
    expect(validatorFor(Type.String({ 'x-message': 'a sentence for authors' }))('ok')).toBe(true)
  })
})
