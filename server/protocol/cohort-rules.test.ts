import { describe, expect, it } from 'vitest'
import { COHORT_NAME_PATTERN, DOMAIN_PATTERN, fieldOfSchemaError, htmlPattern } from './cohort-rules.ts'

/** How Chromium compiles an input's `pattern`: anchored, with the `v` flag. */
const asBrowser = (pattern: string) => new RegExp(`^(?:${htmlPattern(pattern)})$`, 'v')

describe('cohort form rules', () => {
  it('compile as browsers compile the pattern attribute (v flag) and agree with the server', () => {
    for (const pattern of [COHORT_NAME_PATTERN, DOMAIN_PATTERN]) {
      const browser = asBrowser(pattern)
      const server = new RegExp(pattern, 'u')
      for (const value of [
        'istio-class',
        'a',
        'a-',
        'Bad_Name',
        'x'.repeat(31),
        'class.example',
        'a.b.example',
        '-x.io',
      ]) {
        expect(browser.test(value), `${pattern} on ${value}`).toBe(server.test(value))
      }
    }
    expect(asBrowser(COHORT_NAME_PATTERN).test('istio-class')).toBe(true)
    expect(asBrowser(COHORT_NAME_PATTERN).test('istio-')).toBe(false)
    expect(asBrowser(DOMAIN_PATTERN).test('istio-class.example')).toBe(true)
  })

  it('names the field of an ajv error', () => {
    expect(fieldOfSchemaError({ instancePath: '/name', params: { pattern: 'x' } })).toBe('name')
    expect(fieldOfSchemaError({ instancePath: '', params: { missingProperty: 'trainees' } })).toBe('trainees')
    expect(fieldOfSchemaError({ instancePath: '', params: { additionalProperty: 'evil' } })).toBeUndefined()
    expect(fieldOfSchemaError({ instancePath: '/constructor' })).toBeUndefined()
  })
})
