// Table tests of the verdict over layers and of the request-path picture.
import { describe, expect, it } from 'vitest'
import type { LayerResult } from '../../checks/types.ts'
import { HOPS, outcome, picture, ran, ranDefinite, stopOf, unverified, verdict } from './verdict.ts'

const no = (layer: LayerResult['layer']): LayerResult => ({ layer, passed: undefined, message: 'not here' })

describe('verdict', () => {
  it.each<[string, LayerResult[], boolean]>([
    ['nothing ran', [no('config'), no('envoy'), no('traffic')], false],
    ['no layers', [], false],
    ['the prediction passes', [ran('config', true, ''), no('envoy')], true],
    ['the prediction fails', [ran('config', false, '')], false],
    ['Envoy beats a failing prediction', [ran('config', false, ''), ran('envoy', true, '')], true],
    ['Envoy beats a passing prediction', [ran('config', true, ''), ran('envoy', false, '')], false],
    [
      'Envoy does not beat a definite failure (a missing Secret)',
      [ranDefinite('config', ''), ran('envoy', true, ''), ran('traffic', true, '')],
      false,
    ],
    ['a definite failure alone', [ranDefinite('config', '')], false],
    ['traffic must pass too', [ran('config', true, ''), ran('traffic', false, '')], false],
    ['traffic alone', [no('config'), ran('traffic', true, '')], true],
    ['all pass', [ran('config', true, ''), ran('envoy', true, ''), ran('traffic', true, '')], true],
  ])('%s', (_name, layers, want) => {
    expect(verdict(layers)).toBe(want)
  })
})

describe('stopOf', () => {
  it.each<[string | undefined, boolean, string | undefined]>([
    [undefined, true, undefined],
    [undefined, false, 'gateway-service'],
    ['no_listener', true, 'envoy'],
    ['no_filter_chain', true, 'envoy'],
    ['no_virtual_host', true, 'envoy'],
    ['no_route', true, 'envoy'],
    ['tls_redirect', true, 'envoy'],
    ['cluster_not_found', true, 'destination-service'],
    ['something new', true, 'envoy'],
  ])('%s (reached Envoy: %s) stops at %s', (reason, reached, hop) => {
    expect(stopOf(reason, reached)?.hop).toBe(hop)
  })
})

describe('picture', () => {
  it('marks the hops before the stop passed, the stop stopped and the rest not reached', () => {
    const p = picture('GET http://x/', 'config', stopOf('no_route', true), false)
    expect(p.stoppedAt).toBe('envoy')
    expect(p.hops.map((h) => h.state)).toEqual([
      'passed',
      'passed',
      'passed',
      'passed',
      'stopped',
      'not-reached',
      'not-reached',
    ])
  })

  it.each<[boolean, string]>([
    [false, 'unknown'],
    [true, 'passed'],
  ])('without a stop, the pod is %s only when known (%s)', (podKnown, state) => {
    const p = picture('GET http://x/', 'envoy', undefined, podKnown)
    expect(p.hops).toHaveLength(HOPS.length)
    expect(p.hops.at(-1)?.state).toBe(state)
    expect(p.stoppedAt).toBeUndefined()
  })
})

describe('outcome', () => {
  it.each<[string, LayerResult[], boolean, Record<string, unknown>]>([
    ['a pass drops hint and cause', [ran('config', true, '')], true, { message: 'good' }],
    ['a failure keeps them', [ran('config', false, '')], false, { message: 'bad', hint: 'fix it', cause: 'no-route' }],
  ])('%s', (_name, layers, passed, fields) => {
    const o = outcome(layers, { passed: 'good', failed: 'bad' }, 'fix it', { d: 1 }, 'no-route')
    expect(o.passed).toBe(passed)
    expect(o).toMatchObject(fields)
    expect('hint' in o).toBe(!passed)
    expect('cause' in o).toBe(!passed)
    expect(o.detail).toEqual({ d: 1 })
  })

  it('unverified is never a pass and says why on its layer', () => {
    expect(unverified('needs the cluster', 'command')).toEqual({
      passed: false,
      status: 'unverified',
      message: 'needs the cluster',
      layers: [{ layer: 'command', passed: undefined, message: 'needs the cluster' }],
    })
  })
})
