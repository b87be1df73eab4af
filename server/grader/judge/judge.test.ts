// Table tests of the route judge: one outcome (predicted or real Envoy) against one expectation.
import { describe, expect, it } from 'vitest'
import { describeOutcome, judgeRoute, mainCluster, type Outcome, type RouteExpectation } from './judge.ts'

const frontend = 'outbound|80||frontend.shop.svc.cluster.local'
const cart = 'outbound|7070||cartservice.shop.svc.cluster.local'

describe('describeOutcome', () => {
  it.each<[string, Outcome, string]>([
    ['a plain route', { status: 200, cluster: frontend }, 'frontend.shop:80'],
    ['a rewritten path', { status: 200, cluster: frontend, upstreamPath: '/x' }, 'frontend.shop:80 as /x'],
    [
      'a split',
      {
        status: 200,
        weightedClusters: [
          { name: frontend, weight: 90 },
          { name: cart, weight: 10 },
        ],
      },
      'frontend.shop:80 90 / cartservice.shop:7070 10',
    ],
    ['a missing cluster', { status: 503, cluster: frontend }, '503 (cluster frontend.shop:80 does not exist)'],
    [
      'a missing cluster on a Gateway API route',
      { status: 500, reason: 'cluster_not_found', cluster: frontend },
      '500 (cluster frontend.shop:80 does not exist)',
    ],
    [
      'a split with one missing cluster: only its share fails',
      {
        status: 200,
        weightedClusters: [
          { name: frontend, weight: 90 },
          { name: cart, weight: 10, status: 500 },
        ],
      },
      'frontend.shop:80 90 / cartservice.shop:7070 10, but 10% answer 500 (cluster cartservice.shop:7070 does not exist)',
    ],
    ['no listener', { status: 'connection_reset', reason: 'no_listener' }, 'connection refused (no listener)'],
    ['a reset', { status: 'connection_reset', reason: 'no_filter_chain' }, 'connection reset'],
    ['a redirect', { status: 301, location: 'https://shop/' }, '301 → https://shop/'],
    ['a bare status', { status: 404 }, '404'],
  ])('%s', (_name, o, text) => {
    expect(describeOutcome(o)).toBe(text)
  })
})

describe('mainCluster', () => {
  it.each<[Outcome, string | undefined]>([
    [{ status: 200, cluster: frontend }, frontend],
    [
      {
        status: 200,
        weightedClusters: [
          { name: frontend, weight: 10 },
          { name: cart, weight: 90 },
        ],
      },
      cart,
    ],
    [{ status: 404 }, undefined],
  ])('%j → %s', (o, want) => {
    expect(mainCluster(o)).toBe(want)
  })
})

describe('judgeRoute', () => {
  it.each<[string, Outcome, RouteExpectation, boolean, string]>([
    [
      'the expected short name',
      { status: 200, cluster: frontend },
      { service: 'frontend' },
      true,
      'routed to frontend.shop',
    ],
    [
      'the expected port',
      { status: 200, cluster: frontend },
      { service: 'frontend', port: 80 },
      true,
      'routed to frontend.shop:80',
    ],
    [
      'another port',
      { status: 200, cluster: frontend },
      { service: 'frontend', port: 8080 },
      false,
      'expected frontend.shop:8080, got frontend.shop:80',
    ],
    [
      'another service',
      { status: 200, cluster: cart },
      { service: 'frontend' },
      false,
      'expected frontend.shop, got cartservice.shop:7070',
    ],
    [
      'an FQDN in another namespace',
      { status: 200, cluster: frontend },
      { service: 'frontend', namespace: 'other' },
      false,
      'expected frontend.other',
    ],
    [
      'the right cluster but 503',
      { status: 503, cluster: frontend },
      { service: 'frontend' },
      false,
      'routed to frontend.shop, but 503',
    ],
    [
      'the main share is right but another share has no cluster',
      {
        status: 200,
        weightedClusters: [
          { name: frontend, weight: 80 },
          { name: cart, weight: 20, status: 500 },
        ],
      },
      { service: 'frontend' },
      false,
      'routed to frontend.shop, but frontend.shop:80 80 / cartservice.shop:7070 20, but 20% answer 500',
    ],
    [
      'a rewritten path',
      { status: 200, cluster: frontend, upstreamPath: '/' },
      { service: 'frontend', path: '/shop' },
      false,
      'the path arrives as /, not /shop',
    ],
    [
      'the path with a query',
      { status: 200, cluster: frontend, upstreamPath: '/shop?x=1' },
      { service: 'frontend', path: '/shop' },
      true,
      'as /shop?x=1',
    ],
    ['unreachable: 404', { status: 404, reason: 'no_route' }, { unreachable: true }, true, 'no route (404)'],
    [
      'unreachable: reset',
      { status: 'connection_reset', reason: 'no_listener' },
      { unreachable: true },
      true,
      'no route (connection refused',
    ],
    [
      'unreachable but routed',
      { status: 200, cluster: frontend },
      { unreachable: true },
      false,
      'it is routed: frontend.shop:80',
    ],
    [
      'a status',
      { status: 301, location: 'https://shop.example/' },
      { status: 301, location: '^https://' },
      true,
      'answers 301',
    ],
    [
      'a status to the wrong place',
      { status: 301, location: 'http://x/' },
      { status: 301, location: '^https://' },
      false,
      'expected 301 to the expected location',
    ],
    [
      'another status',
      { status: 200, cluster: frontend },
      { status: 404 },
      false,
      'expected 404, got frontend.shop:80',
    ],
    ['no expectation', { status: 200, cluster: frontend }, {}, false, 'the check names no expectation'],
  ])('%s', (_name, o, e, passed, message) => {
    const j = judgeRoute(o, e, 'shop')
    expect(j.passed).toBe(passed)
    expect(j.message).toContain(message)
  })
})
