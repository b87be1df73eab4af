// Scenarios for istiod-conformance.test.ts, taken from the spec (istio-gateway-semantics.md): the
// objects to create (namespaces `ns` and `other`, the proxy's gateway selector) and a marker string
// that appears in istiod's dump once the last object has been processed. Test code only.

export interface ScenarioContext {
  ns: string
  other: string
  selector: Record<string, string>
}

export interface Scenario {
  name: string
  objects(ctx: ScenarioContext): object[]
  /** A string (usually a host) in the dump once istiod has seen every object. */
  marker: string
  /** Set when grader and istiod are known to disagree: states exactly what differs. */
  knownDifference?: string
}

type Json = Record<string, unknown>

const service = (ns: string, name: string, ports: number[] = [80]): object => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace: ns },
  spec: { selector: { app: name }, ports: ports.map((port) => ({ name: `http-${port}`, port })) },
})

const gateway = (ns: string, selector: Record<string, string>, servers: Json[], name = 'gw'): object => ({
  apiVersion: 'networking.istio.io/v1',
  kind: 'Gateway',
  metadata: { name, namespace: ns },
  spec: { selector, servers },
})

const http = (hosts: string[], port = 8080): Json => ({
  port: { number: port, name: `http-${port}`, protocol: 'HTTP' },
  hosts,
})

const vs = (ns: string, name: string, spec: Json): object => ({
  apiVersion: 'networking.istio.io/v1',
  kind: 'VirtualService',
  metadata: { name, namespace: ns },
  spec,
})

const to = (host: string, extra: Json = {}): Json => ({ destination: { host }, ...extra })

export const scenarios: Scenario[] = [
  {
    name: 'plain HTTP host and route',
    marker: 'plain.example.com',
    objects: ({ ns, selector }) => [
      service(ns, 'web'),
      gateway(ns, selector, [http(['plain.example.com'])]),
      vs(ns, 'shop', { hosts: ['plain.example.com'], gateways: ['gw'], http: [{ route: [to('web')] }] }),
    ],
  },
  {
    name: 'two VirtualServices merged on one host, catch-all moved last',
    marker: '/second',
    objects: ({ ns, selector }) => [
      service(ns, 'a'),
      service(ns, 'b'),
      gateway(ns, selector, [http(['merge.example.com'])]),
      vs(ns, 'first', {
        hosts: ['merge.example.com'],
        gateways: ['gw'],
        http: [{ match: [{ uri: { prefix: '/first' } }], route: [to('a')] }, { route: [to('a')] }],
      }),
      vs(ns, 'second', {
        hosts: ['merge.example.com'],
        gateways: ['gw'],
        http: [{ match: [{ uri: { prefix: '/second' } }], route: [to('b')] }],
      }),
    ],
  },
  {
    name: 'prefix, exact and regex matches with ignoreUriCase and headers',
    marker: 'match.example.com',
    objects: ({ ns, selector }) => [
      service(ns, 'web'),
      gateway(ns, selector, [http(['match.example.com'])]),
      vs(ns, 'm', {
        hosts: ['match.example.com'],
        gateways: ['gw'],
        http: [
          {
            match: [
              { uri: { prefix: '/API' }, ignoreUriCase: true },
              { uri: { exact: '/exact' }, headers: { 'x-b': { exact: 'b' }, 'x-a': { prefix: 'p' } } },
              { uri: { regex: '/r/[0-9]+' }, headers: { 'x-any': { regex: '*' } } },
            ],
            route: [to('web')],
          },
        ],
      }),
    ],
  },
  {
    name: 'catch-all truncates the rules after it',
    marker: 'trunc.example.com',
    objects: ({ ns, selector }) => [
      service(ns, 'web'),
      gateway(ns, selector, [http(['trunc.example.com'])]),
      vs(ns, 't', {
        hosts: ['trunc.example.com'],
        gateways: ['gw'],
        http: [
          { match: [{ uri: { prefix: '/a' } }], route: [to('web')] },
          { route: [to('web')] },
          { match: [{ uri: { prefix: '/never' } }], route: [to('web')] },
        ],
      }),
    ],
  },
  {
    name: 'wildcard server host intersects VirtualService hosts',
    marker: 'shop.wild.example.com',
    objects: ({ ns, selector }) => [
      service(ns, 'web'),
      gateway(ns, selector, [http(['*.wild.example.com'])]),
      vs(ns, 'star', { hosts: ['*'], gateways: ['gw'], http: [{ route: [to('web')] }] }),
      vs(ns, 'outside', { hosts: ['wild.example.com'], gateways: ['gw'], http: [{ route: [to('web')] }] }),
      vs(ns, 'shop', { hosts: ['shop.wild.example.com'], gateways: ['gw'], http: [{ route: [to('web')] }] }),
    ],
  },
  {
    name: 'a VirtualService without gateways is not attached',
    marker: 'attached.example.com',
    objects: ({ ns, selector }) => [
      service(ns, 'web'),
      gateway(ns, selector, [http(['*.example.com'])]),
      vs(ns, 'mesh-only', { hosts: ['mesh.example.com'], http: [{ route: [to('web')] }] }),
      vs(ns, 'attached', { hosts: ['attached.example.com'], gateways: ['gw'], http: [{ route: [to('web')] }] }),
    ],
  },
  {
    name: 'exportTo ["."] hides a VirtualService from the gateway',
    marker: 'public.example.com',
    objects: ({ ns, selector }) => [
      service(ns, 'web'),
      gateway(ns, selector, [http(['*.example.com'])]),
      vs(ns, 'private', {
        hosts: ['private.example.com'],
        gateways: ['gw'],
        exportTo: ['.'],
        http: [{ route: [to('web')] }],
      }),
      vs(ns, 'public', { hosts: ['public.example.com'], gateways: ['gw'], http: [{ route: [to('web')] }] }),
    ],
  },
  {
    name: 'weighted destinations (weight 0 skipped)',
    marker: 'weights.example.com',
    objects: ({ ns, selector }) => [
      service(ns, 'a'),
      service(ns, 'b', [8000]),
      service(ns, 'c'),
      gateway(ns, selector, [http(['weights.example.com'])]),
      vs(ns, 'w', {
        hosts: ['weights.example.com'],
        gateways: ['gw'],
        http: [{ route: [to('a', { weight: 70 }), to('b', { weight: 30 }), to('c', { weight: 0 })] }],
      }),
    ],
  },
  {
    name: 'redirect',
    marker: 'redirect.example.com',
    objects: ({ ns, selector }) => [
      gateway(ns, selector, [http(['redirect.example.com'])]),
      vs(ns, 'r', {
        hosts: ['redirect.example.com'],
        gateways: ['gw'],
        http: [
          {
            match: [{ uri: { prefix: '/old' } }],
            redirect: { uri: '/new', authority: 'x.example.com', redirectCode: 302 },
          },
          { redirect: { scheme: 'https', derivePort: 'FROM_REQUEST_PORT' } },
        ],
      }),
    ],
  },
  {
    name: 'direct response',
    marker: 'direct.example.com',
    objects: ({ ns, selector }) => [
      gateway(ns, selector, [http(['direct.example.com'])]),
      vs(ns, 'd', {
        hosts: ['direct.example.com'],
        gateways: ['gw'],
        http: [{ directResponse: { status: 418, body: { string: 'teapot' } } }],
      }),
    ],
  },
  {
    name: 'rewrite and header operations',
    marker: 'rewrite.example.com',
    objects: ({ ns, selector }) => [
      service(ns, 'web'),
      gateway(ns, selector, [http(['rewrite.example.com'])]),
      vs(ns, 'rw', {
        hosts: ['rewrite.example.com'],
        gateways: ['gw'],
        http: [
          {
            match: [{ uri: { prefix: '/v1' } }],
            rewrite: { uri: '/v2', authority: 'backend.internal' },
            headers: { request: { set: { 'x-set': '1' }, add: { 'x-add': '2' }, remove: ['x-gone'] } },
            route: [to('web')],
          },
        ],
      }),
    ],
  },
  {
    name: 'namespace-scoped server host ns/host admits only that namespace',
    marker: 'scoped.example.com',
    objects: ({ ns, other, selector }) => [
      service(ns, 'web'),
      gateway(ns, selector, [http([`${ns}/scoped.example.com`])]),
      vs(other, 'foreign', {
        hosts: ['scoped.example.com'],
        gateways: [`${ns}/gw`],
        http: [{ match: [{ uri: { prefix: '/foreign' } }], route: [to(`web.${ns}.svc.cluster.local`)] }],
      }),
      vs(ns, 'own', { hosts: ['scoped.example.com'], gateways: ['gw'], http: [{ route: [to('web')] }] }),
    ],
  },
  {
    name: 'TCP server with a tcp route',
    marker: '||db.',
    objects: ({ ns, selector }) => [
      service(ns, 'db', [5432]),
      gateway(ns, selector, [{ port: { number: 9000, name: 'tcp', protocol: 'TCP' }, hosts: ['*'] }]),
      vs(ns, 'tcp', { hosts: ['*'], gateways: ['gw'], tcp: [{ match: [{ port: 9000 }], route: [to('db')] }] }),
    ],
  },
  {
    name: 'two Gateways on one port: a VirtualService bound to both adds its routes once per gateway',
    marker: 'both.example.com',
    objects: ({ ns, selector }) => [
      service(ns, 'web'),
      gateway(ns, selector, [http(['both.example.com'])], 'gw-a'),
      gateway(ns, selector, [http(['both.example.com', 'only-b.example.com'])], 'gw-b'),
      vs(ns, 'both', {
        hosts: ['both.example.com', 'only-b.example.com'],
        gateways: ['gw-a', 'gw-b'],
        http: [{ match: [{ uri: { prefix: '/x' } }], route: [to('web')] }],
      }),
    ],
  },
  {
    name: 'httpsRedirect requires TLS on the vhost',
    marker: 'secure.example.com',
    objects: ({ ns, selector }) => [
      service(ns, 'web'),
      gateway(ns, selector, [{ ...http(['secure.example.com']), tls: { httpsRedirect: true } }]),
      vs(ns, 's', { hosts: ['secure.example.com'], gateways: ['gw'], http: [{ route: [to('web')] }] }),
    ],
  },
]
