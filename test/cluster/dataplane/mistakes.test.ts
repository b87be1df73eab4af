// Every mistake file of the flagship lab (labs/istio-ingress/mistakes/NN-slug/*.yaml), applied to
// the shared real data plane as a learner at that step would have it: graded live by `kindlab check
// --kubeconfig --gateway --envoy-admin`, each check that fails offline fails live with the same
// hint (file:line references aside: objects read from the API have none), no check that passes
// offline fails live (except where a live layer rightly sees more, listed below), and the real Envoy
// still equals the grader's prediction. Offline grading gets
// the same learner: from step 4 on, with step 3's deletion of frontend-external.
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { gradeFiles } from '../../../server/checks/grade-files.ts'
import { labFiles, learnerAt, liveLab, parseObjects, resetLab, solutionDir, type LiveLab } from './live-lab.ts'
import { liveCheck, settledDiff } from './live-grading.ts'

let live: LiveLab

beforeAll(async () => {
  live = await liveLab()
})

afterAll(async () => {
  await resetLab()
})

/** Offline hints also cite the learner's file and line ("(shop.yaml:19)", "[..., shop.yaml:19]"). */
/**
 * Files kubectl would refuse on a real cluster, where istiod's validating webhook runs: the harness
 * runs istiod without it, so the API server stores them and istiod builds what it can. Their
 * config is not compared (the grader predicts the refusal); their hints are.
 */
const refusedByIstiodWebhook: Record<string, string> = {
  'route-and-redirect.yaml':
    'a rule with both route and redirect (IST0106); istiod without its webhook keeps the redirect',
}

/** Checks a mistake passes offline but fails live on a live layer, as they should: what live sees. */
const liveOnlyCatches: Record<string, string> = {
  'canary-selects-stable-pods.yaml: canary-split':
    'the "canary" Service selects the stable pods: the config splits 90/10, real answers are 100% v1',
}

/**
 * Checks whose Envoy and traffic layers may pass while the prediction fails, and why. Envoy keeps a
 * certificate it already holds when its Secret is deleted or moved (istiod sends no removal), so
 * after an earlier case with the right Secret in istio-system the gateway still answers HTTPS. The
 * missing Secret is a definite failure (LayerResult.definite): the check still fails, with the
 * offline hint followed by a sentence saying Envoy answers from a certificate it kept.
 */
const envoyKeepsCertificate = new Set([
  'secret-in-default.yaml: https-route',
  'secret-in-default.yaml: https-home-page',
  'secret-wrong-name.yaml: https-route',
  'secret-wrong-name.yaml: https-home-page',
])

/** The sentence a check adds when Envoy answers from a certificate it kept. */
const KEPT_CERTIFICATE = / The gateway's Envoy still answers with a certificate it loaded earlier;[^]*$/

const stripRefs = (h?: string): string | undefined =>
  h?.replace(/ \([\w.-]+\.ya?ml:\d+\)/g, '').replace(/, [\w.-]+\.ya?ml:\d+(?=\])/g, '')

describe('every mistake of the istio-ingress lab fails live with the hint it gets offline', () => {
  const slugs = [
    '01-request-path',
    '02-explore',
    '03-remove-the-load-balancer',
    '04-expose-the-shop',
    '05-look-inside',
    '06-dashboards',
    '07-https',
    '08-tcp',
    '09-shared-gateway',
    '10-canary',
  ]
  it.each(slugs)(
    '%s',
    async (slug) => {
      const number = Number(slug.slice(0, 2))
      const step = live.lab.steps[number - 1]!
      const files = await labFiles('mistakes', slug)
      expect(files.length, `mistakes/${slug}`).toBeGreaterThan(0)
      const deletion = join(solutionDir('03-remove-the-load-balancer'), 'deleted.yaml')
      const before = number >= 4 ? [{ file: 'deleted.yaml', text: await readFile(deletion, 'utf8') }] : []
      const problems: string[] = []
      const caught = new Set<string>()
      for (const { file, text } of files) {
        const offline = await gradeFiles(live.lab, step, [...before, { file, text }], live.vars)
        await learnerAt(number, parseObjects(text))
        const diff = await settledDiff(refusedByIstiodWebhook[file] === undefined ? 20_000 : 0)
        if (refusedByIstiodWebhook[file] === undefined) {
          problems.push(...diff.map((d) => `${file}: prediction vs Envoy: ${d}`))
        }
        const report = await liveCheck(number)
        if (report.passed) {
          problems.push(`${file}: passes live, fails offline`)
        }
        for (const c of offline.checks) {
          const l = report.checks.find((x) => x.id === c.id)
          const layer = (name: string): boolean | undefined => l?.layers.find((x) => x.layer === name)?.passed
          const keptCertificate =
            envoyKeepsCertificate.has(`${file}: ${c.id}`) && layer('config') === false && layer('envoy') === true
          const liveHint = keptCertificate ? stripRefs(l?.hint)?.replace(KEPT_CERTIFICATE, '') : stripRefs(l?.hint)
          if (c.status === 'failed' && (l?.status !== 'failed' || liveHint !== stripRefs(c.hint))) {
            problems.push(
              `${file}: ${c.id} live ${l?.status === 'failed' ? `hint "${l.hint}"` : l?.status}, offline hint "${c.hint}"`,
            )
          }
          if (c.status === 'passed' && l?.status !== 'passed') {
            // Live layers may see more than the prediction (real pods behind a Service), never less.
            const configPassed = l?.layers.find((x) => x.layer === 'config')?.passed === true
            const why = liveOnlyCatches[`${file}: ${c.id}`]
            if (l?.status !== 'failed' || !configPassed || why === undefined) {
              problems.push(`${file}: ${c.id} passes offline, live ${l?.status}: ${l?.message}`)
            } else {
              caught.add(`${file}: ${c.id}`)
            }
          }
        }
      }
      const expected = Object.keys(liveOnlyCatches).filter((k) => files.some((f) => k.startsWith(`${f.file}:`)))
      problems.push(...expected.filter((k) => !caught.has(k)).map((k) => `${k}: no longer caught live only`))
      expect(problems).toEqual([])
    },
    400_000,
  )
})
