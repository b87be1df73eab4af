// The lab.yaml schema as JSON Schema: what it accepts and rejects, and the friendly messages.
import { describe, expect, it } from 'vitest'
import { paramsOf } from '../checks/check-params.ts'
import { validatorFor as compileSchema } from '../validation/dialect.ts'
import { CheckSpecSchema, LabYamlSchema, StepFrontMatterSchema } from './lab-schema.ts'
import type { CheckSpec, LabYaml } from './lab-schema.ts'

const valid: LabYaml = {
  id: 'istio-gateway-basics',
  title: 'Expose an app',
  summary: 'Gateway and VirtualService.',
  duration: '45m',
  gating: false,
  requires: { cluster: 'kind', istio: true, apps: ['online-boutique'], addons: ['kiali'] },
  variables: { TRAINEE_DOMAIN: { default: 'localhost', description: 'The learner domain.' } },
  environment: ['manifests/shop.yaml', 'manifests/base/ns.yml'],
  steps: [
    {
      file: 'steps/01-deploy-app.md',
      title: 'Deploy',
      checks: [{ id: 'pods-ready', kind: 'command', run: 'true', hint: ['a', 'b'] } as CheckSpec],
    },
  ],
}

const accepts = (value: unknown): boolean => compileSchema(LabYamlSchema)(value)
const withField = (patch: Record<string, unknown>): unknown => ({ ...valid, ...patch })

describe('LabYamlSchema', () => {
  it('is plain JSON Schema with no extra properties allowed at the top', () => {
    const json = JSON.parse(JSON.stringify(LabYamlSchema)) as Record<string, unknown>
    expect(json['additionalProperties']).toBe(false)
    // gating, variables and environment have a default: Ajv fills them in when they are left out.
    expect(json['required']).toEqual([
      'id',
      'title',
      'summary',
      'duration',
      'requires',
      'gating',
      'variables',
      'environment',
      'steps',
    ])
  })

  it('accepts a complete lab and an offline minimal one, and fills in the defaults', () => {
    expect(accepts(valid)).toBe(true)
    const { variables: _v, environment: _e, gating: _g, ...minimal } = valid
    const offline = { ...minimal, requires: { cluster: 'none' } }
    expect(accepts(offline)).toBe(true)
    expect(offline).toMatchObject({ gating: false, variables: {}, environment: [] })
  })

  it.each([
    ['id not kebab-case', { id: 'Istio_Lab' }],
    ['empty title', { title: '' }],
    ['duration in words', { duration: '45 minutes' }],
    ['duration without unit', { duration: '45' }],
    ['unknown cluster', { requires: { cluster: 'minikube' } }],
    ['istio not a boolean', { requires: { cluster: 'kind', istio: 'yes' } }],
    ['lowercase variable', { variables: { domain: { default: 'x', description: 'y' } } }],
    ['variable without description', { variables: { DOMAIN: { default: 'x' } } }],
    ['environment outside manifests/', { environment: ['../secret.yaml'] }],
    ['environment not YAML', { environment: ['manifests/run.sh'] }],
    ['no steps', { steps: [] }],
    ['step file without number', { steps: [{ file: 'steps/intro.md' }] }],
    ['step file with one digit', { steps: [{ file: 'steps/1-intro.md' }] }],
    ['check without kind', { steps: [{ file: 'steps/01-a.md', checks: [{ id: 'x' }] }] }],
    ['empty hint list', { steps: [{ file: 'steps/01-a.md', checks: [{ id: 'x', kind: 'command', hint: [] }] }] }],
    ['unknown top-level field', { cluster: 'istio-minimal' }],
  ])('rejects %s', (_name, patch) => {
    expect(accepts(withField(patch))).toBe(false)
  })

  it('accepts durations like 2h and 1h30m', () => {
    for (const duration of ['2h', '1h30m', '90m']) {
      expect(accepts(withField({ duration }))).toBe(true)
    }
  })
})

describe('checks', () => {
  it('allow the kind parameters next to id, kind, title and hint', () => {
    expect(compileSchema(CheckSpecSchema)({ id: 'a', kind: 'file', path: 'x', pattern: 'y' })).toBe(true)
    expect(compileSchema(StepFrontMatterSchema)({ title: 'T', checks: [{ id: 'a', kind: 'file' }] })).toBe(true)
    expect(compileSchema(StepFrontMatterSchema)({ titel: 'T' })).toBe(false)
  })

  it('paramsOf keeps only the parameters', () => {
    const spec: CheckSpec = { id: 'a', kind: 'command', title: 'T', hint: 'h', run: 'true', timeoutSec: 3 }
    expect(paramsOf(spec)).toEqual({ run: 'true', timeoutSec: 3 })
  })
})

describe('labs/README.md', () => {
  it('shows the lab.yaml field table generated from the schema', async () => {
    const { readFile } = await import('node:fs/promises')
    const { fieldsTable } = await import('./schema-table.ts')
    const readme = await readFile(new URL('../../labs/README.md', import.meta.url), 'utf8')
    const between = /<!-- lab-yaml-fields:start -->([\s\S]*?)<!-- lab-yaml-fields:end -->/.exec(readme)?.[1] ?? ''
    // Prettier pads the cells; compare the cell texts.
    const cells = (table: string): string[][] =>
      table
        .trim()
        .split('\n')
        .map((row) => row.split(/(?<!\\)\|/).map((cell) => cell.trim().replace(/^-+$/, '---')))
    expect(cells(between)).toEqual(cells(fieldsTable()))
  })
})
