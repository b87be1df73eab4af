import { describe, expect, it } from 'vitest'
import type { Lab } from '../labs/load-labs.ts'
import { createLabCatalog } from './lab-catalog.ts'

const lab = {
  id: 'demo',
  title: 'Demo',
  summary: 'A demo lab.',
  duration: '5m',
  requires: { cluster: 'none' },
  variables: {
    TRAINEE_DOMAIN: { default: 'localhost', description: 'domain' },
    LEARNER_NAMESPACE: { default: 'default', description: 'namespace' },
  },
  dir: '/labs/demo',
  environment: [],
  steps: [
    {
      index: 0,
      slug: 'one',
      title: 'One',
      file: 'steps/01-one.md',
      markdown: '# One',
      checks: [{ id: 'c', kind: 'file', path: 'x' }],
    },
  ],
} as unknown as Lab

describe('lab catalog', () => {
  it('layers variable values: lab default, then the server, then the session', () => {
    const catalog = createLabCatalog([lab], { LEARNER_NAMESPACE: 'hipster', UNDECLARED: 'x' })
    expect(catalog.varsFor(lab, {})).toEqual({ TRAINEE_DOMAIN: 'localhost', LEARNER_NAMESPACE: 'hipster' })
    expect(catalog.varsFor(lab, { LEARNER_NAMESPACE: 'trainee07' })).toMatchObject({ LEARNER_NAMESPACE: 'trainee07' })
  })
  it('describes a lab and its steps, and names what is missing', () => {
    const catalog = createLabCatalog([lab])
    expect(catalog.describe('demo')).toMatchObject({
      stepCount: 1,
      needsCluster: false,
      steps: [{ slug: 'one', checks: [{ id: 'c', title: 'c' }] }],
    })
    expect(() => catalog.get('nope')).toThrow('There is no lab called "nope".')
    expect(() => catalog.step('demo', 3)).toThrow('Lab "demo" has no step 4.')
  })
})
