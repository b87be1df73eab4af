// Pure: what the planners produce. Plain Kubernetes API objects, applied in order by the
// provisioner with server-side apply.

export interface KubeObject {
  apiVersion: string
  kind: string
  metadata: {
    name: string
    namespace?: string
    labels?: Record<string, string>
    annotations?: Record<string, string>
  }
  [field: string]: unknown
}

/** Options for the namespace-mode plan; every field has a default fit for a laptop class. */
export interface NamespacePlanOptions {
  /** Namespace of the shared shop backends. @default the blueprint's (clusters/blueprint.yaml `app.namespace`) */
  shopNamespace?: string
  /** Give each trainee a copy of the whole shop instead of only the frontend. @default false */
  fullShop?: boolean
  /** Image of the workspace pod (kubectl, istioctl, curl). */
  workspaceImage?: string
  /** Namespace of the ingress gateway. @default 'istio-system' */
  istioNamespace?: string
  /**
   * Where the workspace pod reaches the Kubernetes API (the `kubernetes` Service's endpoints and
   * cluster IP, looked up by the provisioner). @default any address on ports 443 and 6443
   */
  apiServer?: ApiServerEndpoints
  /**
   * The class cluster serves the Kubernetes Gateway API (its CRDs are installed, as `kindlab up`
   * does): plan the Gateway API lab's class-wide objects too (class-gateway.ts,
   * namespace-label-fence.ts). The provisioner looks it up. @default false
   */
  gatewayApi?: boolean
}

/** The API server's addresses (IPs or CIDRs) and ports, for the workspace pod's egress policy. */
export interface ApiServerEndpoints {
  addresses: string[]
  ports: number[]
}

export interface TraineePlan {
  traineeId: string
  namespace: string
  domain: string
  objects: KubeObject[]
}

export interface CohortPlan {
  mode: 'namespace'
  /** Cluster-scoped objects applied once per cohort (admission policy and binding). */
  shared: KubeObject[]
  trainees: TraineePlan[]
}

export const DEFAULT_WORKSPACE_IMAGE = 'ghcr.io/kindlab/workspace:0.1.0'
