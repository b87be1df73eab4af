// Every correct variant of the flagship lab (labs/istio-ingress/variants/NN-slug/*.yaml), applied to
// the shared real data plane as a learner at that step would have it: `kindlab check --kubeconfig
// --gateway --envoy-admin` passes every check on every layer it declares, and the real Envoy's
// /config_dump equals the grader's prediction. A variant made partly with `kubectl create secret
// tls` (offline it is unverified) gets that Secret created here, as the learner did.
import { setTimeout as delay } from 'node:timers/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  apply,
  folderObjects,
  labFiles,
  learnerAt,
  liveLab,
  parseObjects,
  resetLab,
  solutionDir,
  type LiveLab,
} from './live-lab.ts'
import { liveCheck, notPassed, settledDiff } from './live-grading.ts'
import { withRealCertificates } from './lab-objects.ts'

let live: LiveLab

beforeAll(async () => {
  live = await liveLab()
})

afterAll(async () => {
  await resetLab()
})

describe('every correct variant of the istio-ingress lab passes live', () => {
  const slugs = ['04-expose-the-shop', '06-dashboards', '07-https', '08-tcp', '09-shared-gateway', '10-canary']
  it.each(slugs)(
    '%s',
    async (slug) => {
      const number = Number(slug.slice(0, 2))
      const files = await labFiles('variants', slug)
      expect(files.length, `variants/${slug}`).toBeGreaterThan(0)
      const problems: string[] = []
      for (const { file, text } of files) {
        await learnerAt(number, parseObjects(text))
        if (/kubectl create secret tls/.test(text)) {
          const secrets = (await folderObjects(solutionDir('07-https'))).filter((o) => o.kind === 'Secret')
          await apply(await withRealCertificates(secrets, `hipster.${live.domain}`))
        }
        problems.push(...(await settledDiff()).map((d) => `${file}: prediction vs Envoy: ${d}`))
        // Envoy may get a new cluster's endpoints a moment after its routes (a canary's v2): like a
        // learner pressing Check again, a variant has 20 s to pass on every layer.
        let left = notPassed(await liveCheck(number))
        for (const deadline = Date.now() + 20_000; left.length > 0 && Date.now() < deadline;) {
          await delay(1_000)
          left = notPassed(await liveCheck(number))
        }
        problems.push(...left.map((p) => `${file}: ${p}`))
      }
      expect(problems).toEqual([])
    },
    300_000,
  )
})
