// `cluster:sim --dataplane --lab istio-ingress` installs the lab the way `kindlab up` does on kind:
// the real plan and executors, istioctl's own manifests for the blueprint's overlay, the shop from
// the blueprint. This suite proves that the gateway Service and Deployment in the simulated cluster
// are the ones the kind path produces (ports, targetPorts, node ports, labels; a context install's
// rendering is caught as different), that the lab's offline model of the gateway agrees with them,
// and that the real data plane (pilot-agent + Envoy) serves the blueprint's shop on top. It reads
// the data plane the `dataplane` project shares (dataplane/global-setup.ts) and its provisioning lines.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { request } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  AdmissionregistrationV1Api,
  AppsV1Api,
  CoreV1Api,
  KubeConfig,
  KubernetesObjectApi,
  type KubernetesObject,
  type V1Deployment,
  type V1Service,
} from '@kubernetes/client-node'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { parseAllDocuments, stringify } from 'yaml'
import { loadBlueprint, type Blueprint } from '../../../server/provision/blueprint.ts'
import { readFile } from 'node:fs/promises'
import { packageRoot } from '../../../server/paths.ts'
import { gatewayPortRoutes } from '../../../server/provision/blueprint-facts.ts'
import { planUp } from '../../../server/provision/plan.ts'
import { binaries } from '../build.ts'
import { poll } from '../poll.ts'
import { generateManifest } from './istioctl-install.ts'
import { apply, folderObjects, liveLab, resetLab, solutionDir } from './live-lab.ts'

const labDir = join(packageRoot(), 'labs', 'istio-ingress')
const tmp = mkdtempSync(join(tmpdir(), 'kindlab-istioctl-install-test-'))
const sim = inject('dataplane')
const simLog = inject('dataplaneLog')
let kc: KubeConfig
let bp: Blueprint

/** What of the gateway Service a kind user depends on: type, selector, labels and every port. */
function serviceShape(svc: V1Service | KubernetesObject) {
  const s = svc as V1Service
  return {
    type: s.spec?.type ?? 'ClusterIP',
    selector: s.spec?.selector,
    labels: s.metadata?.labels,
    ports: (s.spec?.ports ?? []).map((p) => ({
      name: p.name,
      port: p.port,
      targetPort: p.targetPort ?? p.port,
      nodePort: p.nodePort,
      protocol: p.protocol ?? 'TCP',
    })),
  }
}

/**
 * The live Service's shape with the node ports the API server picked itself (for ports the
 * rendering leaves open, as on kind: tcp 31400 and tls 15443) checked to be allocated, then left
 * out; every fixed node port stays and must match.
 */
function withAllocatedNodePorts(live: ReturnType<typeof serviceShape>, rendered: ReturnType<typeof serviceShape>) {
  return {
    ...live,
    ports: live.ports.map((p) => {
      const fixed = rendered.ports.find((r) => r.name === p.name)?.nodePort
      if (fixed !== undefined || live.type !== 'NodePort') {
        return p
      }
      expect(p.nodePort, `node port of ${p.name} allocated by the API server`).toBeGreaterThanOrEqual(30000)
      return { ...p, nodePort: undefined }
    }),
  }
}

/** What of the gateway Deployment the data plane depends on: labels, ServiceAccount, the proxy container. */
function deploymentShape(d: V1Deployment | KubernetesObject) {
  const dep = d as V1Deployment
  const pod = dep.spec?.template.spec
  return {
    labels: dep.metadata?.labels,
    selector: dep.spec?.selector.matchLabels,
    podLabels: dep.spec?.template.metadata?.labels,
    serviceAccountName: pod?.serviceAccountName,
    containers: (pod?.containers ?? []).map((c) => ({
      name: c.name,
      image: c.image,
      args: c.args,
      ports: (c.ports ?? []).map((p) => ({ containerPort: p.containerPort, protocol: p.protocol ?? 'TCP' })),
    })),
  }
}

const named = (objects: readonly KubernetesObject[], kind: string, name: string): KubernetesObject => {
  const found = objects.find((o) => o.kind === kind && o.metadata?.name === name)
  if (!found) {
    throw new Error(`istioctl rendered no ${kind} ${name}`)
  }
  return found
}

/** Renders the plan's Istio step for a target the way its executor hands it to istioctl. */
async function renderPlanned(target: 'kind' | 'context'): Promise<KubernetesObject[]> {
  const plan = planUp(bp, {
    target: target === 'kind' ? { type: 'kind', clusterName: bp.kind.clusterName } : { type: 'context', context: 'x' },
    kubeconfigPath: join(tmp, 'kubeconfig'),
    workDir: tmp,
  })
  const step = plan.steps.find((s) => s.action === 'istio')
  if (step?.action !== 'istio') {
    throw new Error('the plan has no Istio step')
  }
  const path = join(tmp, `overlay-${target}.yaml`)
  writeFileSync(path, stringify(step.overlay))
  return generateManifest(binaries().istioctl, path)
}

beforeAll(async () => {
  bp = await loadBlueprint()
  kc = new KubeConfig()
  kc.loadFromFile(sim.kubeconfig)
  await liveLab()
  await resetLab()
})

afterAll(async () => {
  await resetLab()
  rmSync(tmp, { recursive: true, force: true })
}, 60_000)

describe('the simulated cluster provisioned like `kindlab up` (istioctl manifests, the blueprint shop)', () => {
  it("ran kindlab up's own plan: kind and istioctl as stand-ins, then the shop, the addons and the wait", () => {
    const outcome = simLog.filter((l) => /\] up \d\/\d [\w-]+: (done|skipped|failed)/.test(l))
    expect(outcome.map((l) => /up (\d\/\d [\w-]+: \w+)/.exec(l)?.[1])).toEqual([
      '1/6 cluster: skipped',
      '2/6 gateway-api: done',
      '3/6 istio: done',
      '4/6 app: done',
      '5/6 addons: done',
      '6/6 ready: done',
    ])
    expect(outcome[0]).toContain('reusing kind cluster "kindlab"')
    expect(outcome.at(-1)).toContain('17 deployments ready')
    expect(simLog.join('\n')).toMatch(/kind is a stand-in/)
    expect(simLog.join('\n')).toMatch(/manifest generate -f \S+istio-overlay\.yaml, applied server-side/)
    expect(sim.learnerNamespace).toBe(bp.app.namespace)
  })

  it('the gateway Service and Deployment are exactly what istioctl renders for the kind plan', async () => {
    const service = await kc
      .makeApiClient(CoreV1Api)
      .readNamespacedService({ name: bp.istio.ingress.service, namespace: bp.istio.namespace })
    const deployment = await kc
      .makeApiClient(AppsV1Api)
      .readNamespacedDeployment({ name: bp.istio.ingress.service, namespace: bp.istio.namespace })
    const kind = await renderPlanned('kind')
    const rendered = serviceShape(named(kind, 'Service', bp.istio.ingress.service))
    expect(withAllocatedNodePorts(serviceShape(service), rendered)).toEqual(rendered)
    expect(deploymentShape(deployment)).toEqual(deploymentShape(named(kind, 'Deployment', bp.istio.ingress.service)))
    // Concretely, as a kind user meets them: NodePort, and kind's host ports reach the right ports.
    expect(service.spec?.type).toBe('NodePort')
    const live = serviceShape(service).ports
    for (const route of gatewayPortRoutes(bp)) {
      expect(live).toContainEqual(expect.objectContaining({ port: route.servicePort, nodePort: route.nodePort }))
    }
    expect(live.find((p) => p.name === 'http2')).toEqual({
      name: 'http2',
      port: 80,
      targetPort: 8080,
      nodePort: 30080,
      protocol: 'TCP',
    })
    // The comparison can fail: on an existing cluster (`up --context`) the Service renders differently.
    const context = serviceShape(named(await renderPlanned('context'), 'Service', bp.istio.ingress.service))
    expect(context.type).toBe('LoadBalancer')
    expect(context.ports.every((p) => p.nodePort === undefined)).toBe(true)
    expect(serviceShape(service)).not.toEqual(context)
  })

  it("the lab's offline model of the gateway (its environment manifest) agrees with the installed one", async () => {
    const [modelService, modelPod] = parseAllDocuments(
      await readFile(join(labDir, 'manifests', 'istio-ingressgateway.yaml'), 'utf8'),
    ).map((d) => d.toJS() as KubernetesObject)
    const service = await kc
      .makeApiClient(CoreV1Api)
      .readNamespacedService({ name: bp.istio.ingress.service, namespace: bp.istio.namespace })
    const model = serviceShape(modelService!)
    const live = withAllocatedNodePorts(serviceShape(service), model)
    expect(model.type).toBe(live.type)
    expect(model.selector).toEqual(live.selector)
    expect(model.ports).toEqual(live.ports)
    const pods = await kc
      .makeApiClient(CoreV1Api)
      .listNamespacedPod({ namespace: bp.istio.namespace, labelSelector: 'istio=ingressgateway' })
    const livePod = pods.items[0]
    expect(livePod?.metadata?.labels).toMatchObject(modelPod?.metadata?.labels ?? { missing: 'labels' })
    const livePorts = (livePod?.spec?.containers ?? []).flatMap((c) => (c.ports ?? []).map((p) => p.containerPort))
    const modelPorts = (
      (modelPod as { spec?: { containers?: Array<{ ports?: Array<{ containerPort: number }> }> } }).spec?.containers ??
      []
    ).flatMap((c) => (c.ports ?? []).map((p) => p.containerPort))
    expect(livePorts).toEqual(expect.arrayContaining(modelPorts))
  })

  it('leaves out only the two webhook configurations nothing here can serve', async () => {
    expect(simLog.join('\n')).toContain(
      'left out: ValidatingWebhookConfiguration istio-validator-istio-system, MutatingWebhookConfiguration istio-sidecar-injector',
    )
    const admission = kc.makeApiClient(AdmissionregistrationV1Api)
    const mutating = (await admission.listMutatingWebhookConfiguration({})).items.map((w) => w.metadata?.name)
    const validating = (await admission.listValidatingWebhookConfiguration({})).items.map((w) => w.metadata?.name)
    expect([...mutating, ...validating].filter((n) => n?.startsWith('istio'))).toEqual([])
    // Everything else istioctl renders is there, e.g. the gateway's Secret-reading Role for SDS.
    const rbac = KubernetesObjectApi.makeApiClient(kc)
    await expect(
      rbac.read({
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'Role',
        metadata: { name: 'istio-ingressgateway-sds', namespace: bp.istio.namespace },
      }),
    ).resolves.toBeTruthy()
  })

  it("the real Envoy serves the blueprint's shop on top: step 4 reaches the hipster frontend pod", async () => {
    const ns = sim.learnerNamespace
    for (const slug of ['03-remove-the-load-balancer', '04-expose-the-shop']) {
      await apply(await folderObjects(solutionDir(slug)))
    }
    const get = (): Promise<{ status: number; body: string }> =>
      new Promise((resolve, reject) => {
        const req = request(
          { host: sim.gateway, port: 8080, path: '/', headers: { host: 'hipster.localhost' }, timeout: 5_000 },
          (res) => {
            let body = ''
            res.setEncoding('utf8')
            res.on('data', (c: string) => (body += c))
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
          },
        )
        req.on('error', reject)
        req.on('timeout', () => req.destroy(new Error('no answer in 5 s')))
        req.end()
      })
    const answer = await poll(async () => ((await get()).status === 200 ? get() : undefined), {
      what: 'GET hipster.localhost -> 200 through the gateway',
      timeoutMs: 30_000,
      intervalMs: 300,
    })
    expect(answer.body).toContain('service frontend version v1')
    // The answer came from the blueprint's frontend pod: Envoy's endpoint is that pod's IP.
    const frontend = (
      await kc.makeApiClient(CoreV1Api).listNamespacedPod({ namespace: ns, labelSelector: 'app=frontend' })
    ).items.map((p) => p.status?.podIP)
    const clusters = await (await fetch(`${sim.admin}/clusters`)).text()
    const endpoints = clusters
      .split('\n')
      .filter((l) => l.startsWith(`outbound|80||frontend.${ns}.svc.cluster.local::`) && l.includes('::health_flags::'))
      .map((l) => l.split('::')[1]?.split(':')[0])
    expect(endpoints).toEqual(frontend)
    const log = readFileSync(sim.accessLog, 'utf8')
    expect(log).toContain(`outbound|80||frontend.${ns}.svc.cluster.local`)
  })
})
