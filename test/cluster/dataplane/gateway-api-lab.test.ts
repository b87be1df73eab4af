// The gateway-api-ingress lab graded live on the shared real data plane, like the first lab: istiod
// deploys a proxy per Kubernetes Gateway and the harness runs the real pilot-agent + Envoy as its
// pod (gateway-proxies.ts). `kindlab check gateway-api-ingress --kubeconfig --gateway <ingress pod
// IP> --envoy-admin pod:15000` (each gateway pod's admin at its own IP) grades:
// - every step's solution: every check passes on every layer it declares (config; envoy and
//   traffic on the Gateway's own proxy; status checks read what istiod wrote), and that proxy's
//   /config_dump equals the grader's prediction for it;
// - every mistake file: each check failing offline fails live with the same cause and hint
//   (file:line references aside), none passing offline fails live, Envoy equals the prediction;
// - every variant: passes every check on every layer live.
import { setTimeout as delay } from 'node:timers/promises'
import type { KubernetesObject } from '@kubernetes/client-node'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CheckReport } from '../../../server/checks/grade-files.ts'
import { gradeFiles } from '../../../server/checks/grade-files.ts'
import { resolveCheck } from '../../../server/labs/variables.ts'
import { withRealCertificates } from './lab-objects.ts'
import {
  apply,
  folderObjects,
  labFiles,
  learnerAt,
  leaveLab,
  liveLab,
  parseObjects,
  resetLab,
  solutionDir,
  type LiveLab,
} from './live-lab.ts'
import { clusterObjects, liveCheck, notPassed, settledDiff } from './live-grading.ts'
import { gatewayEnvoyDiff, gatewayProxy } from './live-gateways.ts'
import { analyzeGatewayApi } from '../../../server/grader/core/gateway-api/analyze.ts'
import { gatewayApiFromObjects } from '../../../server/grader/core/gateway-api/model.ts'
import { fromApiObjects } from '../../../server/grader/core/model/index.ts'

const envoyAdmin = 'pod:15000'
/** Check kinds that send a request to a gateway: they have envoy and traffic layers live. */
const requestKinds = new Set(['route', 'tcp', 'weights', 'http'])
let live: LiveLab

beforeAll(async () => {
  live = await liveLab('gateway-api-ingress')
  await resetLab()
})

afterAll(async () => {
  await leaveLab()
})

const slugOf = (index: number): string => `${String(index + 1).padStart(2, '0')}-${live.lab.steps[index]?.slug ?? ''}`

/** The Kubernetes Gateways (`namespace/name`) the step's request checks are graded on. */
function gatewaysOf(number: number): string[] {
  const checks = live.lab.steps[number - 1]?.checks ?? []
  const named = checks.map((c) => (resolveCheck(c, live.vars) as { gateway?: string }).gateway)
  return [...new Set(named.filter((g): g is string => g !== undefined))]
}

/** Objects with TLS Secrets holding a real certificate (the files hold placeholders). */
const withCerts = (objects: KubernetesObject[]): Promise<KubernetesObject[]> =>
  withRealCertificates(objects, `hipster.${live.domain}`)

/**
 * For each Gateway the step grades on that Istio handles (per the prediction): its proxy runs and
 * its Envoy equals the prediction. Returns the differences left, as problems.
 */
async function proxiesMatchPrediction(number: number, label: string): Promise<string[]> {
  const objects = await clusterObjects()
  const problems: string[] = []
  for (const gw of gatewaysOf(number)) {
    const handled = analyzeGatewayApi({
      classic: fromApiObjects(objects),
      gatewayApi: gatewayApiFromObjects(objects),
      gateway: gw,
    }).gateway
    if (handled?.key !== gw) {
      continue
    }
    const proxy = await gatewayProxy(gw)
    problems.push(
      ...(await settledDiff(20_000, () => gatewayEnvoyDiff(gw, proxy.admin))).map(
        (d) => `${label}: ${gw} prediction vs Envoy: ${d}`,
      ),
    )
  }
  return problems
}

/** Grades live until `done` holds for the report (istiod writes status and endpoints a moment later), at most 20 s. */
async function settledCheck(number: number, done: (r: CheckReport) => boolean): Promise<CheckReport> {
  let report = await liveCheck(number, envoyAdmin)
  for (const deadline = Date.now() + 20_000; !done(report) && Date.now() < deadline;) {
    await delay(1_000)
    report = await liveCheck(number, envoyAdmin)
  }
  return report
}

/** Request checks whose envoy or traffic layer is missing from a report (a layer that never ran at all). */
function missingLiveLayers(number: number, report: CheckReport): string[] {
  const kinds = new Map((live.lab.steps[number - 1]?.checks ?? []).map((c) => [c.id, c.kind]))
  return report.checks.flatMap((c) =>
    requestKinds.has(kinds.get(c.id) ?? '')
      ? ['config', 'envoy', 'traffic']
          .filter((l) => !c.layers.some((x) => x.layer === l))
          .map((l) => `${c.id} has no ${l} layer`)
      : [],
  )
}

/**
 * Mistake files the API server refuses in part, as `kubectl apply` would: the rest is applied, and
 * live the refused object does not exist. Offline grading still has to give the same cause and hint.
 */
const refusedByApiServer: Record<string, RegExp> = {
  // Offline the grader reads the Secret and calls it malformed; live it never exists.
  'secret-without-key.yaml': /^Secret [\w-]+\/hipster-credential: .*data\[tls\.key\]: Required value/,
}

/** Offline hints also cite the learner's file and line ("(shop.yaml:19)", "[..., shop.yaml:19]"). */
const stripRefs = (h?: string): string | undefined =>
  h?.replace(/ \([\w.-]+\.ya?ml:\d+\)/g, '').replace(/, [\w.-]+\.ya?ml:\d+(?=\])/g, '')

describe('the gateway-api-ingress solutions graded live, step by step', () => {
  it.each([1, 2, 3, 4, 5, 6, 7])(
    'step %i: every check passes on every layer, each Gateway proxy equal to the prediction',
    async (number) => {
      expect(await learnerAt(number, await withCerts(await folderObjects(solutionDir(slugOf(number - 1)))))).toEqual([])
      expect(await proxiesMatchPrediction(number, 'solution')).toEqual([])
      const report = await settledCheck(number, (r) => notPassed(r).length === 0)
      expect(notPassed(report), `live check of step ${number}`).toEqual([])
      expect(missingLiveLayers(number, report)).toEqual([])
    },
    200_000,
  )
})

describe('every mistake of the gateway-api-ingress lab fails live with the cause and hint it gets offline', () => {
  it.each([1, 2, 3, 4, 5, 6, 7])(
    'step %i',
    async (number) => {
      const step = live.lab.steps[number - 1]!
      const files = await labFiles('mistakes', slugOf(number - 1))
      expect(files.length).toBeGreaterThan(0)
      const problems: string[] = []
      let compared = 0
      for (const { file, text } of files) {
        const offline = await gradeFiles(live.lab, step, [{ file, text }], live.vars)
        compared += offline.checks.filter((c) => c.status === 'failed').length
        const refused = await learnerAt(number, await withCerts(parseObjects(text)))
        const expected = refusedByApiServer[file]
        if (refused.length > 0 ? !(expected !== undefined && refused.every((r) => expected.test(r))) : expected) {
          problems.push(
            `${file}: refused by the API server: ${refused.join('; ') || 'nothing'}, expected ${String(expected)}`,
          )
        }
        problems.push(...(await proxiesMatchPrediction(number, file)))
        const agrees = (r: CheckReport): boolean =>
          offline.checks.every((c) => {
            const l = r.checks.find((x) => x.id === c.id)
            return (
              l?.status === c.status &&
              (c.status !== 'failed' || (stripRefs(l.hint) === stripRefs(c.hint) && l.cause === c.cause))
            )
          })
        const report = await settledCheck(number, agrees)
        if (report.passed) {
          problems.push(`${file}: passes live, fails offline`)
        }
        for (const c of offline.checks) {
          const l = report.checks.find((x) => x.id === c.id)
          if (c.status === 'failed' && (l?.status !== 'failed' || stripRefs(l.hint) !== stripRefs(c.hint))) {
            problems.push(
              `${file}: ${c.id} live ${l?.status === 'failed' ? `hint "${l.hint}"` : `${l?.status}: ${l?.message}`}, offline hint "${c.hint}"`,
            )
          }
          if (c.status === 'failed' && l?.status === 'failed' && l.cause !== c.cause) {
            problems.push(`${file}: ${c.id} live cause ${l.cause}, offline cause ${c.cause}`)
          }
          if (c.status === 'passed' && l?.status !== 'passed') {
            problems.push(`${file}: ${c.id} passes offline, live ${l?.status}: ${l?.message} ${l?.hint ?? ''}`)
          }
        }
      }
      expect(problems).toEqual([])
      // Each file fails offline (the lab's own tests hold that), so every file compared a failure.
      expect(compared).toBeGreaterThanOrEqual(files.length)
    },
    600_000,
  )
})

describe('every correct variant of the gateway-api-ingress lab passes live', () => {
  it.each([1, 2, 3, 6, 7])(
    'step %i',
    async (number) => {
      const files = await labFiles('variants', slugOf(number - 1))
      expect(files.length).toBeGreaterThan(0)
      const problems: string[] = []
      for (const { file, text } of files) {
        problems.push(
          ...(await learnerAt(number, await withCerts(parseObjects(text)))).map((r) => `${file}: refused: ${r}`),
        )
        // `# unverified:` a part no file holds (the Secret made with `kubectl create secret tls`):
        // the learner made it, so it is made here too.
        if (/^# unverified: /m.test(text)) {
          const secrets = (await folderObjects(solutionDir(slugOf(2)))).filter((o) => o.kind === 'Secret')
          await apply(await withCerts(secrets))
        }
        problems.push(...(await proxiesMatchPrediction(number, file)))
        const report = await settledCheck(number, (r) => notPassed(r).length === 0)
        problems.push(...notPassed(report).map((p) => `${file}: ${p}`))
        problems.push(...missingLiveLayers(number, report).map((p) => `${file}: ${p}`))
      }
      expect(problems).toEqual([])
    },
    300_000,
  )
})
