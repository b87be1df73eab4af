import { describe, expect, it } from 'vitest'
import { markersFor } from './editor-markers.ts'

describe('editor markers', () => {
  it("puts a failed check's finding at the line it names in this file", () => {
    const markers = markersFor('shop-route.yaml', [
      {
        status: 'failed',
        message: 'The route goes nowhere.',
        finding: 'spec.http[0].route[0].destination.host is "frontend-x" (shop-route.yaml:14): no such Service.',
      },
      { status: 'failed', message: 'Gateway selector (shop-gateway.yaml:7) matches no pod.' },
      { status: 'passed', message: 'fine (shop-route.yaml:3)' },
    ])
    expect(markers).toEqual([
      {
        line: 14,
        severity: 'error',
        message: 'spec.http[0].route[0].destination.host is "frontend-x" (shop-route.yaml:14): no such Service.',
      },
    ])
  })

  it('reads ~/ paths and hints, marks unverified ones as info, and ignores look-alike names', () => {
    const markers = markersFor('a.yaml', [
      { status: 'unverified', message: 'needs the cluster: ~/a.yaml:2 is applied live only' },
      { passed: false, message: 'wrong', hint: 'Look at data.fix (a.yaml:5).' },
      { passed: false, message: 'see xa.yaml:9 and a.yaml.bak:4' },
    ])
    expect(markers.map((m) => [m.line, m.severity])).toEqual([
      [2, 'info'],
      [5, 'error'],
    ])
  })
})
