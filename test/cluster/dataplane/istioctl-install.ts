// Installs the live lab into the simulated cluster the way `kindlab up` does: the real plan
// (`planUp` on clusters/blueprint.yaml with a kind target, so the ingress Service gets kind's type
// and node ports) run by the real executors (`createStepRunner` + `runPlan`) and the real
// Kubernetes adapter. Two adapters this machine cannot have are replaced, and say so:
// - kind: the simulated control plane stands in for the kind cluster. `clusters()` names it and
//   `kubeconfig()` is the sim's admin kubeconfig under kind's context name, so the cluster step
//   finds it and reuses it; creating, deleting or loading images is refused (kwok runs no images).
// - istioctl: `install -f <overlay>` becomes `istioctl manifest generate -f <overlay>` (istioctl
//   built from the same istio module as istiod) applied server-side, without the two webhook
//   configurations (nothing in the simulated cluster can serve them; see `leftOut`). istioctl's
//   own readiness wait is left to the plan's `ready` step.
import { execFile } from 'node:child_process'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { KubeConfig, loadYaml } from '@kubernetes/client-node'
import { parseAllDocuments } from 'yaml'
import type { IstioctlCli } from '../../../server/adapters/istioctl/istioctl-cli.ts'
import type { KindCli } from '../../../server/adapters/kind/kind-cli.ts'
import { createKubeOps } from '../../../server/adapters/kube/kube-ops.ts'
import { AppError } from '../../../server/errors.ts'
import { writeText } from '../../../server/cli/provision-wiring.ts'
import { installYamlFromModule } from '../gateway-api-crds.ts'
import { loadBlueprint, type Blueprint, type KubeObject } from '../../../server/provision/blueprint.ts'
import { createStepRunner } from '../../../server/provision/executors.ts'
import { planUp, type Plan } from '../../../server/provision/plan.ts'
import { runPlan } from '../../../server/provision/run-plan.ts'
import type { Log } from '../build.ts'

const execFileAsync = promisify(execFile)

/** What istioctl renders that the simulated cluster does not get, and why. */
export const leftOut: ReadonlyArray<{ kind: string; why: string }> = [
  {
    kind: 'MutatingWebhookConfiguration',
    why: 'sidecar injection: the API server cannot reach a webhook in this cluster, and failurePolicy Fail would refuse every pod of the shop; pods run without sidecars, so the gateway talks plain HTTP to the stand-ins',
  },
  {
    kind: 'ValidatingWebhookConfiguration',
    why: 'Istio config validation: no webhook is reachable, and with failurePolicy Ignore every Istio write would first wait for it to time out',
  },
]

/** The generated objects split into what the simulated cluster gets and what it cannot use. */
export function simInstallObjects(generated: readonly KubeObject[]): { apply: KubeObject[]; dropped: KubeObject[] } {
  const skip = new Set(leftOut.map((l) => l.kind))
  const namespaces = [...new Set(generated.flatMap((o) => (o.metadata.namespace ? [o.metadata.namespace] : [])))]
  return {
    // `istioctl install` creates the namespace it installs into; `manifest generate` does not print it.
    apply: [
      ...namespaces.map((name): KubeObject => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } })),
      ...generated.filter((o) => !skip.has(o.kind)),
    ],
    dropped: generated.filter((o) => skip.has(o.kind)),
  }
}

/**
 * Parses a multi-document manifest (istioctl's output) into objects. Each one goes through the
 * client's models (loadYaml), so wire keys such as `x-kubernetes-int-or-string` in the CRDs survive
 * the client's serialization when applied; plain objects would lose them (422 from the API server).
 */
export function parseManifest(text: string): KubeObject[] {
  return parseAllDocuments(text)
    .filter((d) => {
      const js: unknown = d.toJS()
      return js !== null && typeof js === 'object' && typeof (js as { kind?: unknown }).kind === 'string'
    })
    .map((d) => loadYaml<KubeObject>(String(d)))
}

/** `istioctl manifest generate -f <overlay>`: what `istioctl install` would apply. */
export async function generateManifest(istioctl: string, overlayPath: string): Promise<KubeObject[]> {
  const { stdout } = await execFileAsync(istioctl, ['manifest', 'generate', '-f', overlayPath], {
    maxBuffer: 64 * 1024 * 1024,
  })
  return parseManifest(stdout)
}

/** istioctl for the simulated cluster: renders with the real istioctl, applies with the product's adapter. */
export function simIstioctl(
  bin: string,
  onRendered: (objects: { apply: KubeObject[]; dropped: KubeObject[] }) => void = () => undefined,
): IstioctlCli {
  return {
    async install(overlayPath, target, options = {}) {
      const say = options.onLine ?? (() => undefined)
      say(`stand-in for istioctl install: ${bin} manifest generate -f ${overlayPath}, applied server-side`)
      let generated: KubeObject[]
      try {
        generated = await generateManifest(bin, overlayPath)
      } catch (err) {
        throw new AppError('LAB_ERR_ISTIOCTL_FAILED', {
          message: `istioctl manifest generate failed: ${err instanceof Error ? err.message : String(err)}`,
          hint: 'Rebuild istioctl with `npm run cluster:build -- --dataplane`.',
          cause: err,
        })
      }
      const { apply, dropped } = simInstallObjects(generated)
      onRendered({ apply, dropped })
      say(`left out: ${dropped.map((o) => `${o.kind} ${o.metadata.name}`).join(', ') || 'nothing'}`)
      await createKubeOps({
        ...(target.kubeconfig ? { kubeconfigPath: target.kubeconfig } : {}),
        context: target.context,
      }).apply(apply, { ...(options.signal ? { signal: options.signal } : {}) })
      say(`${apply.length} objects applied`)
    },
    async version() {
      const { stdout } = await execFileAsync(bin, ['version', '--remote=false', '--short'])
      return stdout.replace(/^client version:\s*/i, '').trim()
    },
  }
}

/** The sim's admin kubeconfig with its context renamed to kind's (`kind-<cluster>`). */
export function asKindKubeconfig(kubeconfigPath: string, context: string): string {
  const kc = new KubeConfig()
  kc.loadFromFile(kubeconfigPath)
  const current = kc.getContextObject(kc.getCurrentContext())
  if (!current) {
    throw new Error(`${kubeconfigPath} has no current context`)
  }
  const renamed = new KubeConfig()
  renamed.loadFromOptions({
    clusters: kc.getClusters(),
    users: kc.getUsers(),
    contexts: [{ ...current, name: context }],
    currentContext: context,
  })
  return renamed.exportConfig()
}

/** kind for the simulated cluster: the running control plane is the cluster; nothing else is allowed. */
export function simKind(clusterName: string, kubeconfigText: () => string): KindCli {
  const refuse = (what: string) => (): never => {
    throw new Error(`${what}: there is no kind here; the simulated control plane stands in for the cluster`)
  }
  return {
    clusters: () => Promise.resolve([clusterName]),
    kubeconfig: () => Promise.resolve(kubeconfigText()),
    create: refuse('kind create cluster'),
    delete: refuse('kind delete cluster'),
    loadImageArchive: refuse('kind load image-archive'),
  }
}

export interface UpResult {
  bp: Blueprint
  plan: Plan
  /** The namespace `kindlab up` makes the learner's (LEARNER_NAMESPACE): the shop's. */
  learnerNamespace: string
  /** Objects applied by the plan's steps (Istio as generated, then the shop and the addons). */
  applied: KubeObject[]
  /** Objects istioctl generated that the simulated cluster did not get (see `leftOut`). */
  dropped: KubeObject[]
}

/**
 * Runs `kindlab up`'s plan against the simulated cluster: the cluster step (kind stand-in), the
 * Istio step (istioctl stand-in) and, with `app`, the shop, the addons and the wait until every
 * Deployment is available. Each step's outcome goes to `log`.
 */
export async function upOnSim(options: {
  kubeconfig: string
  istioctl: string
  workDir: string
  app: boolean
  log: Log
  signal: AbortSignal
}): Promise<UpResult> {
  const bp = await loadBlueprint()
  const plan = planUp(bp, {
    target: { type: 'kind', clusterName: bp.kind.clusterName },
    kubeconfigPath: join(options.workDir, 'kind-kubeconfig'),
    workDir: options.workDir,
    readyTimeoutMs: 180_000,
  })
  let istio: { apply: KubeObject[]; dropped: KubeObject[] } = { apply: [], dropped: [] }
  const runner = createStepRunner(plan, {
    kind: simKind(bp.kind.clusterName, () => asKindKubeconfig(options.kubeconfig, plan.context)),
    istioctl: simIstioctl(options.istioctl, (r) => (istio = r)),
    kube: (t) => createKubeOps(t),
    writeText,
    // The release's install file, assembled from the pinned Go module as upstream builds it.
    downloadText: () => installYamlFromModule(),
  })
  const last = options.app ? plan.steps.length : plan.steps.findIndex((s) => s.id === 'istio') + 1
  options.log(
    `kindlab up's plan, steps 1-${last} of ${plan.steps.length}: kind is a stand-in (this control plane; no images are loaded, kwok runs none), istioctl install is istioctl manifest generate + server-side apply`,
  )
  await runPlan(plan, runner, {
    signal: options.signal,
    range: [0, last],
    onProgress: (e) => {
      if (e.state !== 'running' || e.detail) {
        options.log(`up ${e.index + 1}/${e.total} ${e.step}: ${e.state}${e.detail ? ` (${e.detail})` : ''}`)
      }
    },
  })
  const applied = plan.steps.slice(0, last).flatMap((s) => (s.action === 'apply' ? s.objects : []))
  return { bp, plan, learnerNamespace: bp.app.namespace, applied: [...istio.apply, ...applied], dropped: istio.dropped }
}
