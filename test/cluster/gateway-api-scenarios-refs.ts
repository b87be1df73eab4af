// A scenario for gateway-api-conformance.test.ts on the references whose status wording kindlab
// took from istiod's source rather than from a golden file (grader README): listener
// certificateRefs (a Secret without either key pair, a refused cross-namespace Secret, several bad
// refs joined), an allowedRoutes kind no listener serves, and a backendRef named like a hostname.
// Test code only.
import { backend, gateway, type GwScenario, httpRoute, service } from './gateway-api-scenarios.ts'

const https = (name: string, port: number, certificateRefs: object[]): Record<string, unknown> => ({
  name,
  port,
  protocol: 'HTTPS',
  hostname: `${name}.example.com`,
  tls: { certificateRefs },
})

export const refScenarios: GwScenario[] = [
  {
    name: "references in istiod's words: certificateRefs without keys, refused, joined; route kinds; a hostname backendRef",
    marker: 'refs.example.com',
    proxyPorts: [80, 8443, 8444, 8445].map((port) => ({ name: `p${port}`, port, targetPort: port })),
    objects: ({ ns, other }) => [
      service(ns, 'a'),
      {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'no-pair', namespace: ns },
        data: { 'tls.crt': 'Y2VydA==', 'ca.crt': 'Y2E=' },
      },
      {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'cert', namespace: other },
        type: 'kubernetes.io/tls',
        data: { 'tls.crt': 'Y2VydA==', 'tls.key': 'a2V5' },
      },
      gateway(ns, [
        {
          name: 'http',
          port: 80,
          protocol: 'HTTP',
          allowedRoutes: { kinds: [{ kind: 'HTTPRoute' }, { kind: 'TCPRoute' }] },
        },
        https('keys', 8443, [{ name: 'no-pair' }]),
        https('foreign', 8444, [{ name: 'cert', namespace: other }]),
        https('joined', 8445, [{ name: 'missing' }, { name: 'cert', namespace: other }]),
      ]),
      httpRoute(ns, 'ok', {
        parentRefs: [{ name: 'gw', sectionName: 'http' }],
        hostnames: ['refs.example.com'],
        rules: [{ backendRefs: [backend('a')] }],
      }),
      httpRoute(ns, 'by-hostname', {
        parentRefs: [{ name: 'gw', sectionName: 'http' }],
        hostnames: ['hostname.example.com'],
        rules: [{ backendRefs: [backend(`a.${ns}`)] }],
      }),
    ],
    statusOf: ({ ns }) => [
      { kind: 'Gateway', namespace: ns, name: 'gw' },
      { kind: 'HTTPRoute', namespace: ns, name: 'ok' },
      { kind: 'HTTPRoute', namespace: ns, name: 'by-hostname' },
    ],
  },
]
