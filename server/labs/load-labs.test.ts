// The loader: builds Lab and Step from real lab folders (the valid fixture and the sample lab),
// merges checks from lab.yaml and front matter, and leaves broken labs out.
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { checkKinds } from '../checks/registry.ts'
import { loadLabs } from './load-labs.ts'
import { defaultLabsDir } from './paths.ts'
import { readLabFolder } from './read-lab-files.ts'
import { testCheckKinds } from './testing-check-kinds.ts'
import { validateLabFolder } from './validate-labs.ts'

const fixtures = fileURLToPath(new URL('../../test/fixtures/labs', import.meta.url))

describe('loadLabs', () => {
  it('builds the lab model from a valid lab', async () => {
    const { labs } = await loadLabs(fixtures, { checkKinds: testCheckKinds })
    const lab = labs.find((l) => l.id === 'valid-minimal')
    expect(lab).toMatchObject({
      id: 'valid-minimal',
      title: 'Valid minimal',
      duration: '1h30m',
      requires: { cluster: 'kind', istio: true, apps: ['online-boutique'] },
      variables: { TRAINEE_DOMAIN: { default: 'localhost', description: "The learner's domain." } },
      dir: `${fixtures}/valid-minimal`,
      environment: ['manifests/namespace.yaml'],
    })
    expect(
      lab?.steps.map((s) => ({
        index: s.index,
        slug: s.slug,
        title: s.title,
        file: s.file,
        solutionDir: s.solutionDir,
      })),
    ).toEqual([
      { index: 0, slug: 'intro', title: 'Start here', file: 'steps/01-intro.md', solutionDir: 'solution/01-intro' },
      { index: 1, slug: 'run', title: 'Run it', file: 'steps/02-run.md', solutionDir: undefined },
    ])
  })

  it('merges checks from lab.yaml and the front matter and strips the front matter from the markdown', async () => {
    const { labs } = await loadLabs(fixtures, { checkKinds: testCheckKinds })
    const steps = labs.find((l) => l.id === 'valid-minimal')?.steps ?? []
    expect(steps[0]?.checks).toEqual([
      {
        id: 'has-file',
        kind: 'file',
        path: 'gateway.yaml',
        pattern: 'hosts:',
        hint: ['Save the file.', 'Press Save on the gateway.yaml block.'],
      },
    ])
    expect(steps[1]?.checks).toEqual([
      { id: 'says-hi', kind: 'command', run: 'echo hi-$((6*7))', expectOutput: 'hi-42', timeoutSec: 5 },
    ])
    expect(steps[1]?.markdown.startsWith('Write `$${HOME}`')).toBe(true)
    expect(steps[1]?.markdown).not.toContain('---')
  })

  it('leaves out labs with errors and keeps labs with only warnings, sorted by id', async () => {
    const { labs, issues } = await loadLabs(fixtures, { checkKinds: testCheckKinds })
    expect(labs.map((l) => l.id)).toEqual(['valid-minimal', 'warnings-only'])
    expect(issues.some((i) => i.file.startsWith('unknown-check-kind/'))).toBe(true)
  })

  it('uses the registered check kinds by default', async () => {
    const { labs } = await loadLabs(fixtures)
    expect(labs.map((l) => l.id)).toContain('valid-minimal')
  })

  it('takes the title from the first # heading when nothing else sets it', async () => {
    const { labs } = await loadLabs(fixtures, { checkKinds: testCheckKinds })
    expect(labs.find((l) => l.id === 'warnings-only')?.steps[0]?.title).toBe('Intro')
  })
})

describe('the sample lab hello-kindlab', () => {
  it('validates clean with the registered check kinds and with the test kinds', async () => {
    const folder = await readLabFolder(`${defaultLabsDir()}/hello-kindlab`, 'hello-kindlab')
    for (const kinds of [checkKinds, testCheckKinds]) {
      const { lab, issues } = validateLabFolder(folder, { checkKinds: kinds })
      expect(issues).toEqual([])
      expect(lab?.requires.cluster).toBe('none')
    }
  })

  it('uses every action fence and both general check kinds', async () => {
    const folder = await readLabFolder(`${defaultLabsDir()}/hello-kindlab`, 'hello-kindlab')
    const { lab } = validateLabFolder(folder, { checkKinds })
    const markdown = lab?.steps.map((s) => s.markdown).join('\n') ?? ''
    for (const fence of ['```terminal:run', '```copy', '```file:', '```check']) {
      expect(markdown).toContain(fence)
    }
    const kinds = new Set(lab?.steps.flatMap((s) => s.checks.map((c) => c.kind)))
    expect([...kinds].sort()).toEqual(['command', 'file'])
    expect(markdown).toContain('${GREETING}')
    expect(lab?.steps.every((s) => s.solutionDir !== undefined)).toBe(true)
  })
})

describe('defaultLabsDir', () => {
  it('is the labs/ folder at the package root', () => {
    expect(defaultLabsDir()).toBe(fileURLToPath(new URL('../../labs', import.meta.url)))
  })
})
