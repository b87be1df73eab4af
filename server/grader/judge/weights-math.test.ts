// Table tests of the weights check's arithmetic: shares of a split, which backend answered, and the
// binomial tolerance over a sample of real responses.
import { describe, expect, it } from 'vitest'
import type { HttpProbeResult } from '../../checks/live-services.ts'
import type { Outcome } from './judge.ts'
import { type Backend, classify, judgeShares, judgeWeights, sampleShares, sharesOf } from './weights-math.ts'

const v1 = 'outbound|80|v1|frontend.shop.svc.cluster.local'
const v2 = 'outbound|80|v2|frontend.shop.svc.cluster.local'
const split = (a: number, b: number): Outcome => ({
  status: 200,
  weightedClusters: [
    { name: v1, weight: a },
    { name: v2, weight: b },
  ],
})
const backends: Backend[] = [
  { service: 'frontend', subset: 'v1', weight: 90, bodyMatches: 'version one' },
  { service: 'frontend', subset: 'v2', weight: 10 },
]
const probe = (status: number | undefined, body = ''): HttpProbeResult => ({ status, body }) as HttpProbeResult

describe('sharesOf', () => {
  it.each<[string, Outcome, Record<string, number>]>([
    ['a plain route is 100%', { status: 200, cluster: v1 }, { [v1]: 100 }],
    ['weights in percent', split(9, 1), { [v1]: 90, [v2]: 10 }],
    ['zero weights', split(0, 0), { [v1]: 0, [v2]: 0 }],
  ])('%s', (_name, o, want) => {
    expect(Object.fromEntries(sharesOf(o))).toEqual(want)
  })
})

describe('judgeWeights', () => {
  it.each<[string, Outcome, number, boolean, string]>([
    ['exact', split(90, 10), 0, true, 'split frontend (v1) 90%, frontend (v2) 10%'],
    ['within the tolerance', split(88, 12), 5, true, 'split'],
    ['outside the tolerance', split(50, 50), 5, false, 'expected frontend (v1) 90%, frontend (v2) 10%'],
    ['a single destination', { status: 200, cluster: v1 }, 5, false, 'frontend (v2) 0%'],
    ['not routed', { status: 404 }, 5, false, 'the request is not split: 404'],
    [
      'the right weights, but one share has no cluster',
      {
        status: 200,
        weightedClusters: [
          { name: v1, weight: 90 },
          { name: v2, weight: 10, status: 503 },
        ],
      },
      5,
      false,
      'a share of the split fails: frontend.shop:80 (subset v1) 90 / frontend.shop:80 (subset v2) 10, but 10% answer 503',
    ],
  ])('%s', (_name, o, tolerance, passed, message) => {
    const j = judgeWeights(o, backends, tolerance, 'shop')
    expect(j.passed).toBe(passed)
    expect(j.message).toContain(message)
  })
})

describe('classify', () => {
  it.each<[string, HttpProbeResult, number | undefined]>([
    ['the marked body', probe(200, 'This is VERSION ONE'), 0],
    ['the only unmarked backend', probe(200, 'something else'), 1],
    ['a server error', probe(503, 'version one'), undefined],
    ['no answer', probe(undefined), undefined],
  ])('%s', (_name, p, want) => {
    expect(classify(p, backends)).toBe(want)
  })

  it('cannot tell two unmarked backends apart', () => {
    expect(
      classify(probe(200, 'x'), [
        { service: 'a', weight: 50 },
        { service: 'b', weight: 50 },
      ]),
    ).toBeUndefined()
  })
})

describe('sampleShares and judgeShares', () => {
  const sample = (one: number, two: number, failed: number): HttpProbeResult[] => [
    ...Array.from({ length: one }, () => probe(200, 'version one')),
    ...Array.from({ length: two }, () => probe(200, 'two')),
    ...Array.from({ length: failed }, () => probe(503)),
  ]

  it('counts per backend and failures', () => {
    expect(sampleShares(sample(3, 2, 1), backends)).toEqual({ counts: [3, 2], failed: 1, total: 6 })
  })

  it.each<[string, number, number, number, boolean, string]>([
    ['the expected split', 360, 40, 0, true, '400 responses: frontend (v1) 90%, frontend (v2) 10%'],
    ['inside 3.29 standard errors of 400', 350, 50, 0, true, 'frontend (v2) 12.5%'],
    ['an even split', 200, 200, 0, false, 'frontend (v1) 50%'],
    ['too many failures', 360, 20, 21, false, '21 of 401 requests failed'],
    ['nothing sent', 0, 0, 0, false, 'no request was sent'],
  ])('%s', (_name, one, two, failed, passed, message) => {
    const j = judgeShares(sampleShares(sample(one, two, failed), backends), backends, 5)
    expect(j.passed).toBe(passed)
    expect(j.message).toContain(message)
  })
})
