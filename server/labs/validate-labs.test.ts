// The validator against test/fixtures/labs: each folder there is a lab broken in one way, and the
// grid says which issues it must produce, at which file:line:column.
import { fileURLToPath } from 'node:url'
import { beforeAll, describe, expect, it } from 'vitest'
import { CAUSES } from '../checks/causes.ts'
import type { LabsResult } from './lab-model.ts'
import { testCheckKinds } from './testing-check-kinds.ts'
import { validateLabFolder, validateLabs } from './validate-labs.ts'

const fixtures = fileURLToPath(new URL('../../test/fixtures/labs', import.meta.url))

type Expected = [where: string, level: 'error' | 'warning', message: string]

const grid: Record<string, Expected[]> = {
  'valid-minimal': [],
  'bad-check-params': [
    ['bad-check-params/lab.yaml:10:9', 'error', 'Check "no-run" (command): steps[0].checks[0] is missing "run".'],
    ['bad-check-params/lab.yaml:16:9', 'error', 'Check "typo" (file): Unknown field "patern" in steps[0].checks[1].'],
    ['bad-check-params/lab.yaml:17:13', 'error', 'A check id must be kebab-case'],
    [
      'bad-check-params/lab.yaml:23:21',
      'error',
      'Check "slow" (command): steps[0].checks[3].timeoutSec must be a number, not "5s".',
    ],
  ],
  'bad-cluster': [
    ['bad-cluster/lab.yaml:6:12', 'error', 'requires.cluster must be one of: none, kind, any. Found "minikube".'],
  ],
  'bad-duration': [
    ['bad-duration/lab.yaml:4:11', 'error', 'duration must look like 45m, 2h or 1h30m. Found "45 minutes".'],
  ],
  'bad-solution-folder': [
    ['bad-solution-folder/solution/01-intr:1:1', 'error', 'solution/01-intr does not match a step.'],
  ],
  'bad-gating': [['bad-gating/lab.yaml:10:9', 'error', 'gating must be true or false, not "yes please".']],
  'bad-step-name': [['bad-step-name/lab.yaml:8:11', 'error', 'A step file must be named steps/NN-slug.md']],
  'bad-variable-name': [['bad-variable-name/lab.yaml:8:3', 'error', 'Variable names are UPPER_CASE']],
  'broken-manifest': [['broken-manifest/manifests/app.yaml:5:1', 'error', 'YAML syntax error: Flow sequence']],
  'check-fence-unknown-id': [
    [
      'check-fence-unknown-id/steps/01-intro.md:5:1',
      'error',
      'The check block lists "imaginary", which this step does not declare.',
    ],
    [
      'check-fence-unknown-id/steps/02-none.md:3:1',
      'error',
      'This ```check block is in a step that declares no checks.',
    ],
  ],
  'duplicate-check-id': [
    [
      'duplicate-check-id/steps/01-intro.md:6:9',
      'error',
      'The check id "same" is already used at duplicate-check-id/lab.yaml:10.',
    ],
  ],
  'front-matter-schema': [['front-matter-schema/steps/01-intro.md:7:1', 'error', 'Unknown field "hints".']],
  'front-matter-syntax': [
    ['front-matter-syntax/steps/01-intro.md:7:1', 'error', 'YAML syntax error: Missing closing "quote'],
  ],
  'id-mismatch': [
    ['id-mismatch/lab.yaml:1:5', 'error', 'The lab id "other-name" differs from its folder name "id-mismatch".'],
  ],
  'image-outside-assets': [
    [
      'image-outside-assets/steps/01-intro.md:3:1',
      'error',
      `The image "https://example.com/pixel.png" is not in the lab's assets/ folder.`,
    ],
    ['image-outside-assets/steps/01-intro.md:5:1', 'error', 'The image assets/nope.svg does not exist.'],
  ],
  'missing-manifest': [
    ['missing-manifest/lab.yaml:9:5', 'error', 'The manifest manifests/missing.yaml does not exist.'],
  ],
  'missing-required': [['missing-required/lab.yaml:2:1', 'error', 'The file is missing "summary".']],
  'missing-step-file': [['missing-step-file/lab.yaml:9:11', 'error', 'The step file steps/02-gone.md does not exist.']],
  'no-lab-yaml': [['no-lab-yaml/:1', 'error', 'This lab folder has no lab.yaml.']],
  Not_Kebab: [
    ['Not_Kebab/:1:1', 'error', 'The lab folder name "Not_Kebab" is not kebab-case.'],
    ['Not_Kebab/lab.yaml:1:5', 'error', 'The lab id "not-kebab" differs from its folder name "Not_Kebab".'],
  ],
  'undeclared-variable': [
    ['undeclared-variable/lab.yaml:16:14', 'error', '${SHOP_HOST} is not a declared variable.'],
    ['undeclared-variable/steps/01-intro.md:3:41', 'error', '${TRAINEE_DOMIAN} is not a declared variable.'],
  ],
  'unknown-action': [['unknown-action/steps/01-intro.md:3:1', 'error', 'Unknown action block ```terminal:execute.']],
  'unknown-check-kind': [['unknown-check-kind/lab.yaml:11:15', 'error', 'Unknown check kind "comand".']],
  'unknown-field': [
    ['unknown-field/lab.yaml:1:1', 'error', 'The file is missing "title".'],
    ['unknown-field/lab.yaml:2:1', 'error', 'Unknown field "titel".'],
  ],
  'unsafe-file-name': [
    ['unsafe-file-name/steps/01-intro.md:5:1', 'error', '```file:../../etc/profile does not name a safe file.'],
  ],
  'warnings-only': [
    ['warnings-only/lab.yaml:8:3', 'warning', 'The variable UNUSED is never used.'],
    ['warnings-only/steps/02-forgotten.md:1:1', 'warning', 'This step file is not listed in lab.yaml'],
  ],
  'yaml-syntax-error': [
    ['yaml-syntax-error/lab.yaml:7:1', 'error', 'YAML syntax error: All mapping items must start at the same column'],
  ],
}

describe('validateLabs over test/fixtures/labs', () => {
  let result: LabsResult
  beforeAll(async () => {
    result = await validateLabs(fixtures, { checkKinds: testCheckKinds })
  })

  it.each(Object.entries(grid))('%s', (lab, expected) => {
    const found = result.issues
      .filter((issue) => issue.file.split('/')[0] === lab)
      .map((issue) => ({
        where: `${issue.file}:${issue.line}${issue.column ? `:${issue.column}` : ''}`,
        level: issue.level,
        message: issue.message,
      }))
    expect(found.map((f) => [f.where, f.level])).toEqual(expected.map(([where, level]) => [where, level]))
    found.forEach((f, i) => expect(f.message).toContain(expected[i]?.[2]))
  })

  it('has a grid row for every fixture lab, so a new fixture cannot go unchecked', () => {
    const labsWithIssues = new Set(result.issues.map((issue) => issue.file.split('/')[0]))
    for (const lab of labsWithIssues) {
      expect(Object.keys(grid)).toContain(lab)
    }
  })

  it('keeps only the labs without errors, warnings allowed', () => {
    expect(result.labs.map((lab) => lab.id).sort()).toEqual(['valid-minimal', 'warnings-only'])
  })

  it('gives hints that say how to fix', () => {
    const hintFor = (file: string): string | undefined =>
      result.issues.find((issue) => issue.file === file && issue.hint)?.hint
    expect(hintFor('unknown-check-kind/lab.yaml')).toBe('Did you mean "command"? Known kinds: command, file.')
    expect(hintFor('unknown-field/lab.yaml')).toContain('title')
    expect(hintFor('bad-solution-folder/solution/01-intr')).toBe('Did you mean "01-intro"?')
    expect(hintFor('missing-manifest/lab.yaml')).toBe('Did you mean "manifests/namespace.yaml"?')
    expect(result.issues.find((i) => i.message.includes('TRAINEE_DOMIAN'))?.hint).toContain(
      'Did you mean "TRAINEE_DOMAIN"?',
    )
  })

  it('sorts issues by file and line', () => {
    const keys = result.issues.map((i) => [i.file, i.line] as const)
    const sorted = [...keys].sort((a, b) => a[0].localeCompare(b[0]) || a[1] - b[1])
    expect(keys).toEqual(sorted)
  })
})

describe('validateLabs on a folder that is not there', () => {
  it('throws LAB_ERR_INPUT_FILE with a hint', async () => {
    await expect(validateLabs(`${fixtures}/does-not-exist`, { checkKinds: testCheckKinds })).rejects.toMatchObject({
      code: 'LAB_ERR_INPUT_FILE',
      hint: expect.stringContaining('kindlab labs validate') as unknown,
    })
  })
})

describe('validateLabFolder on odd input', () => {
  const base = 'id: x\ntitle: t\nsummary: s\nduration: 5m\nrequires: {cluster: none}\n'
  const folder = (labYaml: string, texts: Record<string, string> = {}) => ({
    name: 'x',
    dir: '/labs/x',
    labYaml,
    files: new Set(['lab.yaml', ...Object.keys(texts)]),
    dirs: new Set<string>(),
    texts: new Map(Object.entries(texts)),
  })
  const messages = (labYaml: string, texts: Record<string, string> = {}): string[] =>
    validateLabFolder(folder(labYaml, texts), { checkKinds: testCheckKinds }).issues.map(
      (i) => `${i.line}:${i.column ?? 0} ${i.message}`,
    )

  it.each([
    ['an empty lab.yaml', '', {}, ['1:1 The file must be a mapping (key: value lines), not nothing.']],
    ['a list', '- a\n', {}, ['1:1 The file must be a mapping (key: value lines), not a list.']],
    ['steps that are not a list', `${base}steps: nope\n`, {}, ['6:8 steps must be a list, not "nope".']],
    [
      'variables left empty',
      `${base}variables:\nsteps: [{file: steps/01-a.md}]\n`,
      { 'steps/01-a.md': '# A' },
      ['6:11 variables must be a mapping (key: value lines), not nothing.'],
    ],
    [
      'a check that is a string',
      `${base}steps:\n  - file: steps/01-a.md\n    checks: [oops]\n`,
      { 'steps/01-a.md': '# A' },
      ['8:14 steps[0].checks[0] must be a mapping (key: value lines), not "oops".'],
    ],
    [
      'front matter that is a list',
      `${base}steps: [{file: steps/01-a.md}]\n`,
      { 'steps/01-a.md': '---\n- a\n---\n# A' },
      ['2:1 The front matter must be a mapping (key: value lines), not a list.'],
    ],
    [
      'unclosed front matter',
      `${base}steps: [{file: steps/01-a.md}]\n`,
      { 'steps/01-a.md': '---\ntitle: x\n' },
      ['1:1 The front matter starts with --- but is never closed.'],
    ],
    ['an empty front matter', `${base}steps: [{file: steps/01-a.md}]\n`, { 'steps/01-a.md': '---\n---\n# A' }, []],
    [
      'hintByCause keyed to a cause the grader never reports',
      `${base}steps:\n  - file: steps/01-a.md\n    checks:\n      - {id: c, kind: command, run: 'true', hintByCause: {typo-cause: x}}\n`,
      { 'steps/01-a.md': '# A' },
      [
        `9:59 hintByCause keys must be causes the grader reports: ${Object.keys(CAUSES).join(', ')}, or an analyzer code such as IST0101. Found "typo-cause".`,
      ],
    ],
    [
      'hintByCause naming an undeclared variable',
      `${base}steps:\n  - file: steps/01-a.md\n    checks:\n      - {id: c, kind: command, run: 'true', hintByCause: {no-route: 'see \${NOPE}'}}\n`,
      { 'steps/01-a.md': '# A' },
      ['9:69 ${NOPE} is not a declared variable.'],
    ],
  ])('%s', (_name, labYaml, texts, expected) => {
    expect(messages(labYaml, texts)).toEqual(expected)
  })

  it("fills in each check's parameters from its kind's schema defaults, once, at load", () => {
    const { lab, issues } = validateLabFolder(
      folder(
        `${base}steps:\n  - file: steps/01-a.md\n    checks:\n      - {id: c, kind: command, run: 'true', hint: h}\n      - {id: d, kind: command, run: 'true', timeoutSec: 7}\n`,
        { 'steps/01-a.md': '---\nchecks: [{id: e, kind: command, run: "true"}]\n---\n# A' },
      ),
      { checkKinds: testCheckKinds },
    )
    expect(issues).toEqual([])
    expect(lab?.steps[0]?.checks).toEqual([
      { id: 'c', kind: 'command', run: 'true', hint: 'h', timeoutSec: 20 },
      { id: 'd', kind: 'command', run: 'true', timeoutSec: 7 },
      { id: 'e', kind: 'command', run: 'true', timeoutSec: 20 },
    ])
  })

  it('refuses a parameter of the wrong type at its file and line, in lab.yaml and in front matter', () => {
    const { issues } = validateLabFolder(
      folder(
        `${base}steps:\n  - file: steps/01-a.md\n    checks:\n      - {id: c, kind: command, run: 'true', timeoutSec: '20'}\n`,
        {
          'steps/01-a.md': '---\ntitle: A\nchecks:\n  - id: e\n    kind: command\n    run: [true]\n---\n# A',
        },
      ),
      { checkKinds: testCheckKinds },
    )
    expect(issues.map((i) => `${i.file}:${i.line}:${i.column ?? 0} ${i.message}`)).toEqual([
      'x/lab.yaml:9:57 Check "c" (command): steps[0].checks[0].timeoutSec must be a number, not "20".',
      'x/steps/01-a.md:6:10 Check "e" (command): checks[0].run must be text, not a list.',
    ])
  })

  it('builds the lab from an in-memory folder', () => {
    const { lab } = validateLabFolder(
      folder(`${base}steps: [{file: steps/01-a-b.md}]\n`, { 'steps/01-a-b.md': 'No heading.' }),
      {
        checkKinds: testCheckKinds,
      },
    )
    expect(lab?.steps[0]).toEqual({
      index: 0,
      slug: 'a-b',
      title: 'A b',
      file: 'steps/01-a-b.md',
      markdown: 'No heading.',
      checks: [],
    })
  })
})
