// Table tests of field paths as check authors write them.
import { describe, expect, it } from 'vitest'
import { fieldSegments, getField, parseFieldPath, sameValue, show } from './field-path.ts'

const service = {
  metadata: { name: 'frontend', labels: { 'app.kubernetes.io/name': 'shop' } },
  spec: {
    ports: [
      { name: 'http', port: 80 },
      { name: 'grpc', port: 9555 },
    ],
  },
}

describe('field paths', () => {
  it.each<[string, unknown, Array<string | number>]>([
    ['metadata.name', 'frontend', ['metadata', 'name']],
    ['spec.ports[1].port', 9555, ['spec', 'ports', 1, 'port']],
    ['spec.ports[name=grpc].port', 9555, ['spec', 'ports', 1, 'port']],
    ['metadata.labels["app.kubernetes.io/name"]', 'shop', ['metadata', 'labels', 'app.kubernetes.io/name']],
    ['spec.ports[name=https].port', undefined, ['spec', 'ports']],
    ['spec.ports[5].port', undefined, ['spec', 'ports', 5]],
    ['spec.missing.deeper', undefined, ['spec', 'missing']],
  ])('%s', (path, value, segments) => {
    expect(getField(service, path)).toEqual(value)
    expect(fieldSegments(service, path)).toEqual(segments)
  })

  it.each(['', 'spec..x', 'spec.ports[', 'spec ports'])('refuses the malformed path %j', (path) => {
    expect(() => parseFieldPath(path)).toThrow(/is not a field path/)
  })
})

describe('sameValue and show', () => {
  it.each<[unknown, unknown, boolean]>([
    [80, '80', true],
    [' 80 ', 80, true],
    [true, 'true', true],
    [{ a: 1 }, { a: 1 }, true],
    [{ a: 1 }, { a: 2 }, false],
    [undefined, null, true],
    [null, 'x', false],
    ['a', 'b', false],
  ])('%j vs %j → %s', (actual, expected, want) => {
    expect(sameValue(actual, expected)).toBe(want)
  })

  it.each<[unknown, string]>([
    [undefined, '(not set)'],
    ['x', '"x"'],
    [{ a: [1] }, '{"a":[1]}'],
  ])('shows %j as %s', (value, text) => {
    expect(show(value)).toBe(text)
  })
})
