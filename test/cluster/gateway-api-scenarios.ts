// Scenarios for gateway-api-conformance.test.ts, from gateway-api-semantics.md: the objects to
// create in namespaces `ns` and `other` (the Gateway is always `ns/gw`, unmanaged, on the Service
// `ingress`), a marker string in istiod's dump once the last route is processed, and the objects
// whose status is compared. Test code only.

export interface GwScenarioContext {
  ns: string
  other: string
}

export interface GwScenario {
  name: string
  objects(ctx: GwScenarioContext): object[]
  marker: string
  statusOf(ctx: GwScenarioContext): Array<{ kind: string; namespace: string; name: string }>
  /** A managed Gateway (no addresses): the proxy's Service is `gw-istio`. */
  managed?: boolean
  /** Ports of the proxy's Service. @default [{name: 'http', port: 80, targetPort: 8080}] */
  proxyPorts?: Array<{ name: string; port: number; targetPort: number }>
}

type Json = Record<string, unknown>

export const service = (ns: string, name: string, ports: number[] = [80]): object => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace: ns },
  spec: { selector: { app: name }, ports: ports.map((port) => ({ name: `http-${port}`, port })) },
})

export const gateway = (ns: string, listeners: Json[]): object => ({
  apiVersion: 'gateway.networking.k8s.io/v1',
  kind: 'Gateway',
  metadata: { name: 'gw', namespace: ns },
  spec: { gatewayClassName: 'istio', addresses: [{ type: 'Hostname', value: 'ingress' }], listeners },
})

export const httpRoute = (ns: string, name: string, spec: Json): object => ({
  apiVersion: 'gateway.networking.k8s.io/v1',
  kind: 'HTTPRoute',
  metadata: { name, namespace: ns },
  spec,
})

const prefix = (value: string): Json => ({ path: { type: 'PathPrefix', value } })
export const backend = (name: string, port = 80, extra: Json = {}): Json => ({ name, port, ...extra })

export const gwScenarios: GwScenario[] = [
  {
    name: 'HTTPRoute: segment-aware prefix, exact, header and query matches, weights, weight 0, a missing backend',
    marker: 'match.example.com',
    objects: ({ ns }) => [
      service(ns, 'a'),
      service(ns, 'b'),
      gateway(ns, [{ name: 'http', port: 80, protocol: 'HTTP', hostname: '*.example.com' }]),
      httpRoute(ns, 'shop', {
        parentRefs: [{ name: 'gw' }],
        hostnames: ['match.example.com'],
        rules: [
          { matches: [prefix('/docs/')], backendRefs: [backend('a')] },
          {
            matches: [{ path: { type: 'Exact', value: '/exact' } }],
            backendRefs: [backend('b', 80, { weight: 3 }), backend('a', 80, { weight: 1 })],
          },
          {
            matches: [
              {
                ...prefix('/h'),
                headers: [{ name: 'x-env', value: 'prod' }],
                queryParams: [{ name: 'v', value: '2' }],
              },
            ],
            backendRefs: [backend('a', 80, { weight: 0 }), backend('b')],
          },
          { matches: [prefix('/ghost')], backendRefs: [backend('ghost')] },
          { matches: [{ path: { type: 'RegularExpression', value: '/img/.*' } }], backendRefs: [backend('a')] },
        ],
      }),
    ],
    statusOf: ({ ns }) => [
      { kind: 'Gateway', namespace: ns, name: 'gw' },
      { kind: 'HTTPRoute', namespace: ns, name: 'shop' },
    ],
  },
  {
    name: 'attachment: sectionName typo, hostname outside the listener, namespace not allowed, kind not allowed, cross-namespace backend',
    marker: 'ok.example.com',
    objects: ({ ns, other }) => [
      service(ns, 'a'),
      service(other, 'pay'),
      gateway(ns, [
        { name: 'http', port: 80, protocol: 'HTTP', hostname: '*.example.com' },
        {
          name: 'only-routes',
          port: 80,
          protocol: 'HTTP',
          hostname: 'svc.example.org',
          allowedRoutes: { kinds: [{ kind: 'GRPCRoute' }] },
        },
      ]),
      httpRoute(ns, 'typo', {
        parentRefs: [{ name: 'gw', sectionName: 'htp' }],
        rules: [{ backendRefs: [backend('a')] }],
      }),
      httpRoute(ns, 'wrong-host', {
        parentRefs: [{ name: 'gw', sectionName: 'http' }],
        hostnames: ['shop.example.net'],
        rules: [{ backendRefs: [backend('a')] }],
      }),
      httpRoute(other, 'foreign', {
        parentRefs: [{ name: 'gw', namespace: ns }],
        hostnames: ['foreign.example.com'],
        rules: [{ backendRefs: [backend('pay')] }],
      }),
      httpRoute(ns, 'kind', {
        parentRefs: [{ name: 'gw', sectionName: 'only-routes' }],
        rules: [{ backendRefs: [backend('a')] }],
      }),
      httpRoute(ns, 'cross', {
        parentRefs: [{ name: 'gw', sectionName: 'http' }],
        hostnames: ['ok.example.com'],
        rules: [{ backendRefs: [backend('pay', 80, { namespace: other })] }],
      }),
    ],
    statusOf: ({ ns, other }) => [
      { kind: 'Gateway', namespace: ns, name: 'gw' },
      { kind: 'HTTPRoute', namespace: ns, name: 'typo' },
      { kind: 'HTTPRoute', namespace: ns, name: 'wrong-host' },
      { kind: 'HTTPRoute', namespace: other, name: 'foreign' },
      { kind: 'HTTPRoute', namespace: ns, name: 'kind' },
      { kind: 'HTTPRoute', namespace: ns, name: 'cross' },
    ],
  },
  {
    name: 'ReferenceGrant, filters (header modifier, redirect, URLRewrite) and precedence across two routes',
    marker: '/second',
    objects: ({ ns, other }) => [
      service(ns, 'a'),
      service(other, 'pay'),
      gateway(ns, [{ name: 'http', port: 80, protocol: 'HTTP', allowedRoutes: { namespaces: { from: 'All' } } }]),
      {
        apiVersion: 'gateway.networking.k8s.io/v1beta1',
        kind: 'ReferenceGrant',
        metadata: { name: 'allow', namespace: other },
        spec: {
          from: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: ns }],
          to: [{ group: '', kind: 'Service' }],
        },
      },
      httpRoute(ns, 'first', {
        parentRefs: [{ name: 'gw' }],
        hostnames: ['filters.example.com'],
        rules: [
          {
            matches: [prefix('/api')],
            filters: [
              {
                type: 'RequestHeaderModifier',
                requestHeaderModifier: { set: [{ name: 'X-Env', value: 'prod' }], remove: ['x-debug'] },
              },
              { type: 'URLRewrite', urlRewrite: { path: { type: 'ReplacePrefixMatch', replacePrefixMatch: '/' } } },
            ],
            backendRefs: [backend('pay', 80, { namespace: other })],
          },
          {
            matches: [prefix('/old')],
            filters: [
              {
                type: 'RequestRedirect',
                requestRedirect: { path: { type: 'ReplaceFullPath', replaceFullPath: '/new' } },
              },
            ],
          },
          { matches: [prefix('/')], backendRefs: [backend('a')] },
        ],
      }),
      httpRoute(other, 'second', {
        parentRefs: [{ name: 'gw', namespace: ns }],
        hostnames: ['filters.example.com'],
        rules: [{ matches: [prefix('/second')], backendRefs: [backend('pay')] }],
      }),
    ],
    statusOf: ({ ns, other }) => [
      { kind: 'Gateway', namespace: ns, name: 'gw' },
      { kind: 'HTTPRoute', namespace: ns, name: 'first' },
      { kind: 'HTTPRoute', namespace: other, name: 'second' },
    ],
  },
  {
    name: 'listeners and L4: lower-case protocol, TCP conflict, missing certificate, first TCPRoute wins, TLS passthrough',
    marker: 'db.example.com',
    proxyPorts: [
      { name: 'http', port: 80, targetPort: 8080 },
      { name: 'lower', port: 81, targetPort: 8081 },
      { name: 'https', port: 8443, targetPort: 8443 },
      { name: 'tls', port: 443, targetPort: 8444 },
      { name: 'redis', port: 6379, targetPort: 6379 },
    ],
    objects: ({ ns }) => [
      service(ns, 'a'),
      service(ns, 'redis', [6379]),
      service(ns, 'cache', [6379]),
      service(ns, 'db', [5432]),
      {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'unrelated', namespace: ns },
        type: 'Opaque',
        data: { note: 'a2luZGxhYg==' },
      },
      gateway(ns, [
        { name: 'http', port: 80, protocol: 'HTTP' },
        { name: 'lower', port: 81, protocol: 'http' },
        { name: 'clash', port: 80, protocol: 'TCP' },
        { name: 'https', port: 8443, protocol: 'HTTPS', tls: { certificateRefs: [{ name: 'nope' }] } },
        { name: 'tls', port: 443, protocol: 'TLS', hostname: '*.example.com', tls: { mode: 'Passthrough' } },
        { name: 'redis', port: 6379, protocol: 'TCP' },
      ]),
      {
        apiVersion: 'gateway.networking.k8s.io/v1',
        kind: 'TCPRoute',
        metadata: { name: 'redis-first', namespace: ns },
        spec: {
          parentRefs: [{ name: 'gw', sectionName: 'redis' }],
          rules: [{ backendRefs: [backend('redis', 6379)] }],
        },
      },
      {
        apiVersion: 'gateway.networking.k8s.io/v1',
        kind: 'TCPRoute',
        metadata: { name: 'redis-second', namespace: ns },
        spec: {
          parentRefs: [{ name: 'gw', sectionName: 'redis' }],
          rules: [{ backendRefs: [backend('cache', 6379)] }],
        },
      },
      {
        apiVersion: 'gateway.networking.k8s.io/v1',
        kind: 'TLSRoute',
        metadata: { name: 'db', namespace: ns },
        spec: {
          parentRefs: [{ name: 'gw', sectionName: 'tls' }],
          hostnames: ['db.example.com'],
          rules: [{ backendRefs: [backend('db', 5432)] }],
        },
      },
      httpRoute(ns, 'web', {
        parentRefs: [{ name: 'gw', sectionName: 'http' }],
        rules: [{ backendRefs: [backend('a')] }],
      }),
    ],
    statusOf: ({ ns }) => [
      { kind: 'Gateway', namespace: ns, name: 'gw' },
      { kind: 'TCPRoute', namespace: ns, name: 'redis-first' },
      { kind: 'TCPRoute', namespace: ns, name: 'redis-second' },
      { kind: 'TLSRoute', namespace: ns, name: 'db' },
      { kind: 'HTTPRoute', namespace: ns, name: 'web' },
    ],
  },
  {
    name: 'GRPCRoute method matches merged with an HTTPRoute on the same hostname',
    marker: 'grpc.example.com',
    objects: ({ ns }) => [
      service(ns, 'cart', [9000]),
      service(ns, 'web'),
      gateway(ns, [{ name: 'http', port: 80, protocol: 'HTTP' }]),
      httpRoute(ns, 'web', {
        parentRefs: [{ name: 'gw' }],
        hostnames: ['grpc.example.com'],
        rules: [{ matches: [prefix('/web')], backendRefs: [backend('web')] }],
      }),
      {
        apiVersion: 'gateway.networking.k8s.io/v1',
        kind: 'GRPCRoute',
        metadata: { name: 'cart', namespace: ns },
        spec: {
          parentRefs: [{ name: 'gw' }],
          hostnames: ['grpc.example.com'],
          rules: [
            { matches: [{ method: { service: 'shop.Cart', method: 'Add' } }], backendRefs: [backend('cart', 9000)] },
            { matches: [{ method: { service: 'shop.Cart' } }], backendRefs: [backend('cart', 9000)] },
            {
              matches: [{ method: { method: 'Ping' }, headers: [{ name: 'x-env', value: 'test' }] }],
              backendRefs: [backend('cart', 9000)],
            },
          ],
        },
      },
    ],
    statusOf: ({ ns }) => [
      { kind: 'Gateway', namespace: ns, name: 'gw' },
      { kind: 'HTTPRoute', namespace: ns, name: 'web' },
      { kind: 'GRPCRoute', namespace: ns, name: 'cart' },
    ],
  },
  {
    name: 'RequestMirror (percent, fraction, 100%, a missing mirror dropped) and a missing backend kept in a weighted split',
    marker: 'mirror.example.com',
    objects: ({ ns }) => [
      service(ns, 'a'),
      service(ns, 'b'),
      gateway(ns, [{ name: 'http', port: 80, protocol: 'HTTP' }]),
      httpRoute(ns, 'mirror', {
        parentRefs: [{ name: 'gw' }],
        hostnames: ['mirror.example.com'],
        rules: [
          {
            matches: [prefix('/percent')],
            filters: [{ type: 'RequestMirror', requestMirror: { backendRef: backend('b'), percent: 50 } }],
            backendRefs: [backend('a')],
          },
          {
            matches: [prefix('/fraction')],
            filters: [
              {
                type: 'RequestMirror',
                requestMirror: { backendRef: backend('b'), fraction: { numerator: 1, denominator: 3 } },
              },
            ],
            backendRefs: [backend('a')],
          },
          {
            matches: [prefix('/all')],
            filters: [{ type: 'RequestMirror', requestMirror: { backendRef: backend('b') } }],
            backendRefs: [backend('a')],
          },
          {
            matches: [prefix('/lost')],
            filters: [{ type: 'RequestMirror', requestMirror: { backendRef: backend('ghost') } }],
            backendRefs: [backend('a')],
          },
          {
            matches: [prefix('/split')],
            backendRefs: [backend('a', 80, { weight: 3 }), backend('gone', 80, { weight: 1 })],
          },
        ],
      }),
    ],
    statusOf: ({ ns }) => [
      { kind: 'Gateway', namespace: ns, name: 'gw' },
      { kind: 'HTTPRoute', namespace: ns, name: 'mirror' },
    ],
  },
  {
    name: 'a managed Gateway: its gw-istio Service, listener ports served as they are, Programmed from that Service',
    marker: 'managed.example.com',
    managed: true,
    proxyPorts: [
      { name: 'status-port', port: 15021, targetPort: 15021 },
      { name: 'web', port: 80, targetPort: 80 },
      { name: 'alt', port: 8080, targetPort: 8080 },
    ],
    objects: ({ ns }) => [
      service(ns, 'a'),
      {
        apiVersion: 'gateway.networking.k8s.io/v1',
        kind: 'Gateway',
        metadata: { name: 'gw', namespace: ns },
        spec: {
          gatewayClassName: 'istio',
          listeners: [
            { name: 'web', port: 80, protocol: 'HTTP', hostname: 'managed.example.com' },
            { name: 'alt', port: 8080, protocol: 'HTTP' },
          ],
        },
      },
      httpRoute(ns, 'r', { parentRefs: [{ name: 'gw' }], rules: [{ backendRefs: [backend('a')] }] }),
    ],
    statusOf: ({ ns }) => [
      { kind: 'Gateway', namespace: ns, name: 'gw' },
      { kind: 'HTTPRoute', namespace: ns, name: 'r' },
    ],
  },
]
