// The cluster-mode planner on the shipped blueprint: names within kind's limit, host ports that
// never collide between trainees (or with `kindlab up`'s own), and each trainee's plan being
// `kindlab up`'s with the trainee's name, files, ports and workspace step.
import { describe, expect, it } from 'vitest'
import { loadBlueprint } from '../../provision/blueprint.ts'
import { planUp } from '../../provision/plan.ts'
import {
  CLUSTER_MODE_MAX_TRAINEES,
  CLUSTER_WORKSPACE_NAMESPACE,
  KIND_CLUSTER_NAME_MAX,
  clusterPortOffset,
  clusterTraineeVars,
  freePortBlock,
  isClusterOf,
  parseTraineeClusterName,
  planClusterCohort,
  planTraineeCluster,
  traineeClusterName,
} from './cluster-plan.ts'
import { LABEL_COHORT, slotOfTrainee, traineeId } from './names.ts'

const bp = await loadBlueprint()
const cohort = { name: 'istio-class', domain: 'istio-class.example' }
const options = { dataDir: '/data', block: 0 }

describe('trainee cluster names', () => {
  it('are kl-<cohort>-<trainee>, within kind’s 50 characters for the longest cohort name', () => {
    expect(traineeClusterName(cohort, 'trainee07')).toBe('kl-istio-class-trainee07')
    const longest = { name: `a${'b'.repeat(29)}`, domain: 'x.example' }
    const name = traineeClusterName(longest, traineeId(CLUSTER_MODE_MAX_TRAINEES, CLUSTER_MODE_MAX_TRAINEES))
    expect(name.length).toBeLessThanOrEqual(KIND_CLUSTER_NAME_MAX)
    expect(() => traineeClusterName(longest, `trainee${'1'.repeat(20)}`)).toThrow(/longer than 50/)
  })

  it('map back to their cohort, and only theirs (cohort "a" does not own "a-b"’s clusters)', () => {
    expect(parseTraineeClusterName('kl-a-b-trainee01')).toEqual({ cohort: 'a-b', traineeId: 'trainee01' })
    expect(isClusterOf({ name: 'a', domain: '' }, 'kl-a-b-trainee01')).toBe(false)
    expect(isClusterOf({ name: 'a-b', domain: '' }, 'kl-a-b-trainee01')).toBe(true)
    expect(parseTraineeClusterName('kindlab')).toBeUndefined()
    expect(parseTraineeClusterName('kl-a-trainee')).toBeUndefined()
    expect(slotOfTrainee('trainee08')).toBe(8)
    expect(() => slotOfTrainee('admin')).toThrow()
  })
})

describe('host ports', () => {
  const hostPorts = (block: number, slot: number) =>
    planTraineeCluster(bp, cohort, traineeId(slot, 8), { ...options, block }).hostPorts.map((p) => p.hostPort)

  it('give every trainee of every port block its own ports, none of them `kindlab up`’s', () => {
    const up = bp.kind.config.nodes.flatMap((n) => (n.extraPortMappings ?? []).map((m) => m.hostPort))
    const seen = new Map<number, string>(up.map((p) => [p, 'kindlab up']))
    for (let block = 0; block < 20; block++) {
      for (let slot = 1; slot <= CLUSTER_MODE_MAX_TRAINEES; slot++) {
        for (const port of hostPorts(block, slot)) {
          expect(seen.get(port), `port ${port} of block ${block} slot ${slot}`).toBeUndefined()
          seen.set(port, `${block}/${slot}`)
          expect(port).toBeLessThanOrEqual(65_535)
        }
      }
    }
    expect(seen.size).toBe(up.length * (1 + 20 * CLUSTER_MODE_MAX_TRAINEES))
  })

  it('start at 10000 + 10 per slot, and blocks are allocated lowest-free first', () => {
    expect(clusterPortOffset(0, 1)).toBe(10_010)
    expect(clusterPortOffset(1, 1)).toBe(10_110)
    expect(hostPorts(0, 1)).toEqual([10_090, 10_453, 13_316])
    expect(hostPorts(0, 2)).toEqual([10_100, 10_463, 13_326])
    expect(() => clusterPortOffset(0, 10)).toThrow()
    expect(freePortBlock([])).toBe(0)
    expect(freePortBlock([0, 1, 3])).toBe(2)
  })
})

describe("a trainee's cluster plan", () => {
  const t = planTraineeCluster(bp, cohort, 'trainee02', options)

  it('is `kindlab up`’s plan for kind with the trainee’s name, kubeconfig and work folder', () => {
    expect(t.clusterName).toBe('kl-istio-class-trainee02')
    expect(t.context).toBe('kind-kl-istio-class-trainee02')
    expect(t.kubeconfigPath).toBe('/data/cohort-clusters/istio-class/trainee02/kubeconfig')
    expect(t.plan.steps.map((s) => s.id)).toEqual([
      'cluster',
      'gateway-api',
      'istio',
      'app',
      'addons',
      'workspace',
      'ready',
    ])
    const cluster = t.plan.steps[0]
    if (cluster?.action !== 'kind-cluster') {
      throw new Error('expected the kind step first')
    }
    expect(cluster.clusterName).toBe(t.clusterName)
    expect(cluster.kubeconfigPath).toBe(t.kubeconfigPath)
    expect(cluster.configPath).toBe('/data/cohort-clusters/istio-class/trainee02/kind-cluster.yaml')
    expect(cluster.config.nodes[0]?.extraPortMappings?.map((m) => m.hostPort)).toEqual([10_100, 10_463, 13_326])
    // Apart from the name, files, ports and the workspace, it is exactly `kindlab up`'s plan.
    const up = planUp(bp, {
      target: { type: 'kind', clusterName: t.clusterName, hostPortOffset: t.hostPortOffset },
      kubeconfigPath: t.kubeconfigPath,
      workDir: t.dir,
    })
    expect(t.plan.steps.slice(0, 5)).toEqual(up.steps.slice(0, 5))
    const [ready, upReady] = [t.plan.steps[6], up.steps[5]]
    if (ready?.action !== 'wait' || upReady?.action !== 'wait') {
      throw new Error('expected the final wait')
    }
    expect(ready.deployments).toEqual([
      ...upReady.deployments,
      { namespace: CLUSTER_WORKSPACE_NAMESPACE, name: 'workspace' },
    ])
    expect(ready.title).toBe(`Wait until ${upReady.deployments.length + 1} deployments are ready`)
    expect(t.plan.images).toEqual(up.images)
  })

  it('maps the gateway’s HTTP, HTTPS and TCP ports to the trainee’s host ports', () => {
    expect(t.hostPorts).toEqual([
      { servicePort: 80, hostPort: 10_100 },
      { servicePort: 443, hostPort: 10_463 },
      { servicePort: 6379, hostPort: 13_326 },
    ])
  })

  it('starts a workspace pod with a namespace-scoped identity (not cluster-admin) and the trainee’s variables', () => {
    const step = t.plan.steps.find((s) => s.id === 'workspace')
    const objects = step?.action === 'apply' ? step.objects : []
    expect(objects.map((o) => `${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`)).toEqual([
      `Namespace /${CLUSTER_WORKSPACE_NAMESPACE}`,
      `Namespace /${bp.app.namespace}`,
      `ServiceAccount ${CLUSTER_WORKSPACE_NAMESPACE}/trainee`,
      'ClusterRole /kindlab-trainee-istio-read',
      'ClusterRoleBinding /kindlab-trainee-view',
      'ClusterRoleBinding /kindlab-trainee-istio-read',
      `Role ${bp.app.namespace}/kindlab-trainee`,
      `RoleBinding ${bp.app.namespace}/kindlab-trainee`,
      `Role ${bp.istio.namespace}/kindlab-trainee-gateway`,
      `RoleBinding ${bp.istio.namespace}/kindlab-trainee-gateway`,
      'ValidatingAdmissionPolicy /kindlab-trainee-gateway-secrets',
      'ValidatingAdmissionPolicyBinding /kindlab-trainee-gateway-secrets',
      `Deployment ${CLUSTER_WORKSPACE_NAMESPACE}/workspace`,
    ])
    expect(JSON.stringify(objects)).not.toContain('cluster-admin')
    // The shop's namespace keeps the blueprint's labels (same field manager) and gains the level.
    const shopNs = objects[1]
    expect(shopNs?.metadata.labels).toMatchObject({
      'istio-injection': 'enabled',
      'pod-security.kubernetes.io/enforce': 'baseline',
    })
    const deployment = objects.at(-1) as unknown as {
      spec: { selector: { matchLabels: object }; template: { metadata: { labels: object }; spec: object } }
    }
    expect(deployment.spec.template.metadata.labels).toMatchObject(deployment.spec.selector.matchLabels)
    expect(deployment.spec.template.spec).toMatchObject({ serviceAccountName: 'trainee' })
    expect(objects.every((o) => o.metadata.labels?.[LABEL_COHORT] === 'istio-class')).toBe(true)
    expect(JSON.stringify(objects.at(-1))).toContain('"name":"LEARNER_NAMESPACE","value":"hipster"')
    expect(clusterTraineeVars(cohort, 'trainee02')).toEqual({
      TRAINEE_DOMAIN: 'trainee02.istio-class.example',
      TRAINEE_ID: 'trainee02',
      TRAINEE_CLUSTER: 'kl-istio-class-trainee02',
      TRAINEE_NAMESPACE: CLUSTER_WORKSPACE_NAMESPACE,
      TRAINEE_TCP_PORT: '6379',
      LEARNER_NAMESPACE: bp.app.namespace,
    })
  })

  it('plans every trainee of a cohort with distinct names, kubeconfigs and ports', () => {
    const plan = planClusterCohort(bp, cohort, ['trainee01', 'trainee02'], { ...options, block: 3 })
    expect(plan.clusters.map((c) => [c.clusterName, c.hostPorts[0]?.hostPort])).toEqual([
      ['kl-istio-class-trainee01', 10_390],
      ['kl-istio-class-trainee02', 10_400],
    ])
    expect(new Set(plan.clusters.map((c) => c.kubeconfigPath)).size).toBe(2)
  })
})
