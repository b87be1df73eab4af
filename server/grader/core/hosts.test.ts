// Host-name semantics (spec rules 15-17): table cases from istio pkg/config/host and the spec's
// examples, plus properties checked with fast-check.
import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import {
  compareSpecificity,
  hostsMatch,
  intersectHosts,
  isSubsetOf,
  resolveShortName,
  serverHostsForNamespace,
  splitServerHost,
  stripNamespaces,
} from './hosts.ts'

describe('hostsMatch (both directions)', () => {
  test.each<[string, string, boolean]>([
    ['foo.com', 'foo.com', true],
    ['foo.com', 'bar.com', false],
    ['*.com', 'foo.com', true],
    ['bar.com', '*.com', true],
    ['*.foo.com', 'foo.com', false],
    ['*', 'foo.com', true],
    ['*', '*.com', true],
    ['*.a.x', '*.x', true],
    ['*.x', '*.a.x', true],
    ['a.b.x', '*.x', true],
    ['*.example.com', 'example.com', false],
    ['Foo.com', 'foo.com', false],
  ])('%s ~ %s → %s', (a, b, want) => {
    expect(hostsMatch(a, b)).toBe(want)
  })
})

describe('isSubsetOf', () => {
  test.each<[string, string, boolean]>([
    ['foo.com', 'foo.com', true],
    ['foo.com', '*.com', true],
    ['a.b.com', '*.com', true],
    ['com', '*.com', false],
    ['*.a.x', '*.x', true],
    ['*.x', '*.a.x', false],
    ['*.com', 'foo.com', false],
    ['*', '*.com', false],
    ['anything.org', '*', true],
    ['*.org', '*', true],
  ])('%s ⊆ %s → %s', (a, b, want) => {
    expect(isSubsetOf(a, b)).toBe(want)
  })
})

describe('intersectHosts (rule 17 examples)', () => {
  test.each<[string[], string[], string[]]>([
    [['foo.bar'], ['*'], ['foo.bar']],
    [['*'], ['*.org'], ['*.org']],
    [['example.com'], ['*.example.com'], []],
    [['foo.com', 'bar.com'], ['*.com'], ['foo.com', 'bar.com']],
    [
      ['foo.com', '*.net'],
      ['*.com', 'bar.net'],
      ['foo.com', 'bar.net'],
    ],
    [['foo.com', '*.net'], ['*.bar.net'], ['*.bar.net']],
    [['foo.com'], ['bar.com'], []],
    [[], ['bar.com'], []],
    [['*'], ['a.com', 'a.com'], ['a.com']],
  ])('%j ∩ %j = %j', (a, b, want) => {
    expect(intersectHosts(a, b)).toEqual(want)
  })
})

describe('namespace-scoped server hosts (rule 16)', () => {
  test.each<[string[], string, string[]]>([
    [['ns1/foo.com', 'ns2/bar.com'], 'ns1', ['foo.com']],
    [['ns1/foo.com', 'ns2/bar.com'], 'ns3', []],
    [['ns1/foo.com', '*/bar.com'], 'ns1', ['foo.com', 'bar.com']],
    [['ns1/foo.com', '*/bar.com'], 'ns3', ['bar.com']],
    [['foo.com', 'ns2/bar.com'], 'ns2', ['foo.com', 'bar.com']],
    [['./shop.example.com'], 'gwns', ['shop.example.com']],
    [['./shop.example.com'], 'other', []],
  ])('%j for VirtualServices in %s', (hosts, ns, want) => {
    expect(serverHostsForNamespace(hosts, ns, 'gwns')).toEqual(want)
  })
  test('split and strip', () => {
    expect(splitServerHost('ns/a.com')).toEqual({ namespace: 'ns', host: 'a.com' })
    expect(splitServerHost('a.com')).toEqual({ namespace: '*', host: 'a.com' })
    expect(stripNamespaces(['ns/a.com', '*/b.com', 'c.com'])).toEqual(['a.com', 'b.com', 'c.com'])
  })
})

describe('short-name expansion (rule 15)', () => {
  test.each<[string, string]>([
    ['reviews', 'reviews.ns.svc.cluster.local'],
    ['reviews.ns', 'reviews.ns'],
    ['*', '*'],
    ['*.example.com', '*.example.com'],
    ['10.0.0.1', '10.0.0.1'],
    ['2001:db8::1', '2001:db8::1'],
  ])('%s → %s', (host, want) => {
    expect(resolveShortName(host, 'ns')).toBe(want)
  })
})

const label = fc.stringMatching(/^[a-z][a-z0-9]{0,5}$/)
const concrete = fc.array(label, { minLength: 1, maxLength: 4 }).map((parts) => parts.join('.'))
const wildcard = fc.oneof(
  fc.constant('*'),
  concrete.map((h) => `*.${h}`),
)
const anyHost = fc.oneof(concrete, wildcard)

describe('properties', () => {
  test('matching is symmetric', () => {
    fc.assert(fc.property(anyHost, anyHost, (a, b) => hostsMatch(a, b) === hostsMatch(b, a)))
  })
  test('subset is reflexive and implies matching', () => {
    fc.assert(fc.property(anyHost, anyHost, (a, b) => isSubsetOf(a, a) && (!isSubsetOf(a, b) || hostsMatch(a, b))))
  })
  test('subset is transitive', () => {
    fc.assert(
      fc.property(anyHost, anyHost, anyHost, (a, b, c) => !(isSubsetOf(a, b) && isSubsetOf(b, c)) || isSubsetOf(a, c)),
    )
  })
  test('* covers everything and intersecting with * keeps the other list (deduplicated)', () => {
    fc.assert(
      fc.property(
        fc.array(anyHost, { maxLength: 6 }),
        (hosts) =>
          hosts.every((h) => isSubsetOf(h, '*')) &&
          JSON.stringify(intersectHosts(hosts, ['*'])) === JSON.stringify([...new Set(hosts)]),
      ),
    )
  })
  test('every host of an intersection is within some host of each side', () => {
    fc.assert(
      fc.property(fc.array(anyHost, { maxLength: 5 }), fc.array(anyHost, { maxLength: 5 }), (a, b) =>
        intersectHosts(a, b).every((h) => a.some((x) => isSubsetOf(h, x)) && b.some((y) => isSubsetOf(h, y))),
      ),
    )
  })
  test('a concrete name under a wildcard suffix is covered at any depth', () => {
    fc.assert(
      fc.property(
        concrete,
        concrete,
        (prefix, suffix) => isSubsetOf(`${prefix}.${suffix}`, `*.${suffix}`) && !isSubsetOf(suffix, `*.${suffix}`),
      ),
    )
  })
  test('short-name expansion is idempotent', () => {
    fc.assert(
      fc.property(anyHost, label, (h, ns) => resolveShortName(resolveShortName(h, ns), ns) === resolveShortName(h, ns)),
    )
  })
  test('specificity order puts concrete names before wildcards and is a total order', () => {
    fc.assert(
      fc.property(fc.array(anyHost, { maxLength: 8 }), (hosts) => {
        const sorted = [...hosts].sort(compareSpecificity)
        const firstWild = sorted.findIndex((h) => h.startsWith('*'))
        return (
          (firstWild < 0 || sorted.slice(firstWild).every((h) => h.startsWith('*'))) &&
          sorted.every((h, i) => i === 0 || compareSpecificity(sorted[i - 1]!, h) <= 0)
        )
      }),
    )
  })
})
