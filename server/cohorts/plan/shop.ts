// Pure: the trainee's copy of the Hipster shop. By default only the frontend (the part the
// Istio labs route to), wired to the shared backends, so a class of 50 fits a laptop; with
// `fullShop` every service is copied into the trainee's namespace.
import type { KubeObject } from './types.ts'

const registry = 'us-central1-docker.pkg.dev/google-samples/microservices-demo'
const tag = 'v0.10.3'

/** The shop's backends: service name, gRPC port, and the frontend's variable for its address. */
export const SHOP_BACKENDS: ReadonlyArray<{ name: string; port: number; env?: string }> = [
  { name: 'productcatalogservice', port: 3550, env: 'PRODUCT_CATALOG_SERVICE_ADDR' },
  { name: 'currencyservice', port: 7000, env: 'CURRENCY_SERVICE_ADDR' },
  { name: 'cartservice', port: 7070, env: 'CART_SERVICE_ADDR' },
  { name: 'recommendationservice', port: 8080, env: 'RECOMMENDATION_SERVICE_ADDR' },
  { name: 'shippingservice', port: 50051, env: 'SHIPPING_SERVICE_ADDR' },
  { name: 'checkoutservice', port: 5050, env: 'CHECKOUT_SERVICE_ADDR' },
  { name: 'adservice', port: 9555, env: 'AD_SERVICE_ADDR' },
  { name: 'emailservice', port: 5000 },
  { name: 'paymentservice', port: 50051 },
  { name: 'redis-cart', port: 6379 },
]

function workload(
  name: string,
  namespace: string,
  labels: Record<string, string>,
  port: number,
  env: Array<{ name: string; value: string }>,
): KubeObject[] {
  const app = { app: name }
  const image = name === 'redis-cart' ? 'redis:alpine' : `${registry}/${name}:${tag}`
  return [
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name, namespace, labels: { ...labels, ...app } },
      spec: {
        replicas: 1,
        selector: { matchLabels: app },
        template: {
          metadata: { labels: { ...labels, ...app } },
          spec: {
            containers: [
              {
                name: 'server',
                image,
                ports: [{ containerPort: port }],
                env,
                resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '200m', memory: '128Mi' } },
              },
            ],
          },
        },
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name, namespace, labels: { ...labels, ...app } },
      spec: {
        selector: app,
        ports: [
          { name: name === 'frontend' ? 'http' : 'grpc', port: name === 'frontend' ? 80 : port, targetPort: port },
        ],
      },
    },
  ]
}

/** The frontend (and, with `full`, every backend) in `namespace`. */
export function planShop(
  namespace: string,
  shopNamespace: string,
  labels: Record<string, string>,
  full: boolean,
): KubeObject[] {
  const backendNs = full ? namespace : shopNamespace
  const env = SHOP_BACKENDS.filter((b) => b.env).map((b) => ({
    name: b.env ?? '',
    value: `${b.name}.${backendNs}.svc.cluster.local:${b.port}`,
  }))
  env.push({ name: 'PORT', value: '8080' }, { name: 'ENABLE_PROFILER', value: '0' })
  const objects = workload('frontend', namespace, labels, 8080, env)
  if (full) {
    for (const b of SHOP_BACKENDS) {
      objects.push(...workload(b.name, namespace, labels, b.port, [{ name: 'PORT', value: String(b.port) }]))
    }
  }
  return objects
}
