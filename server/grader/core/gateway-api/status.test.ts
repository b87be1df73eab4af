// Status as istiod 1.31 writes it (spec rules 1-18): the automated deployment's Service, listener
// validation and conflicts, Gateway conditions, route attachment with Istio's reasons and
// messages, attachedRoutes, backend resolution and ReferenceGrant. Messages are the ones in
// Istio's goldens (pilot/pkg/config/kube/gateway/testdata/*.status.yaml.golden).
import { describe, expect, test } from 'vitest'
import { brief, k8sGateway, route, run, service } from './gateway-api.test-helper.ts'

const httpGw = k8sGateway('gw', 'infra', '- {name: http, port: 80, protocol: HTTP, hostname: "*.example.com"}')

function parentConditions(
  yaml: string,
  routeName = 'r',
): Array<{ type: string; status: string; reason: string; message: string }> {
  const r = run(yaml).conversion.status.routes.find((x) => x.resource.name === routeName)
  return r?.parents[0]?.conditions ?? []
}

describe('the automated deployment (spec rules 2, 3)', () => {
  test('Deployment and Service are <gateway>-<class>; status-port first, one port per distinct listener port', () => {
    const yaml = k8sGateway(
      'gw',
      'infra',
      `- {name: web.main, port: 80, protocol: HTTP}
- {name: other, port: 80, protocol: HTTP, hostname: a.example.com}
- {name: tls, port: 443, protocol: HTTPS, tls: {certificateRefs: [{name: c}]}}`,
      ', annotations: {networking.istio.io/service-type: ClusterIP}',
    )
    const g = run(yaml).conversion.gateways[0]!
    expect(g.deploymentName).toBe('gw-istio')
    expect(g.serviceFqdn).toBe('gw-istio.infra.svc.cluster.local')
    expect(g.service?.spec.type).toBe('ClusterIP')
    expect(g.service?.spec.selector).toEqual({ 'gateway.networking.k8s.io/gateway-name': 'gw' })
    expect(g.service?.spec.ports.map((p) => [p.name, p.port, p.appProtocol])).toEqual([
      ['status-port', 15021, 'tcp'],
      ['web-main', 80, 'http'],
      ['tls', 443, 'https'],
    ])
  })

  test('a Gateway of a foreign class gets nothing: no deployment, no status', () => {
    const yaml =
      `apiVersion: gateway.networking.k8s.io/v1\nkind: GatewayClass\nmetadata: {name: other}\nspec: {controllerName: example.com/ctrl}\n---\n` +
      k8sGateway('gw', 'infra', '- {name: http, port: 80, protocol: HTTP}').replace(
        'gatewayClassName: istio',
        'gatewayClassName: other',
      )
    const r = run(yaml)
    expect(r.conversion.gateways).toEqual([])
    expect(r.conversion.status.gatewayClasses).toEqual([])
  })

  test('the GatewayClass istio is Accepted, "Handled by Istio controller"', () => {
    const yaml = `apiVersion: gateway.networking.k8s.io/v1\nkind: GatewayClass\nmetadata: {name: istio}\nspec: {controllerName: istio.io/gateway-controller}\n---\n`
    expect(run(yaml).conversion.status.gatewayClasses[0]?.conditions).toEqual([
      { type: 'Accepted', status: 'True', reason: 'Accepted', message: 'Handled by Istio controller' },
    ])
  })
})

describe('listener and Gateway status (spec rules 10-14)', () => {
  test('a valid Gateway: Accepted, Programmed with its service ports, ResolvedRefs; listener defaults', () => {
    const s = run(httpGw).conversion.status.gateways[0]!
    expect(s.conditions.map((c) => c.message)).toEqual([
      'Resource accepted',
      'Resource programmed, assigned to service(s) gw-istio.infra.svc.cluster.local:80',
      'All references resolved',
    ])
    expect(brief(s.listeners[0]!.conditions)).toEqual([
      'Accepted=True/Accepted',
      'Conflicted=False/NoConflicts',
      'Programmed=True/Programmed',
      'ResolvedRefs=True/ResolvedRefs',
    ])
    expect(s.listeners[0]?.supportedKinds.map((k) => k.kind)).toEqual(['HTTPRoute', 'GRPCRoute'])
  })

  test('Programmed lists the service ports sorted as text and joined as istiod joins them (seen in istiod 1.31)', () => {
    const ports = (n: number[]): string =>
      run(
        k8sGateway(
          'gw',
          'infra',
          n.map((p, i) => `- {name: l${i}, port: ${p}, protocol: HTTP, hostname: h${i}.example.com}`).join('\n'),
        ),
      )
        .conversion.status.gateways[0]!.conditions[1]!.message.replace(
          'Resource programmed, assigned to service(s) ',
          '',
        )
        .replaceAll('gw-istio.infra.svc.cluster.local', 's')
    expect(ports([80, 443])).toBe('s:443 and s:80')
    expect(ports([80, 8443, 443])).toBe('s:443, s:80, and s:8443')
  })

  test('lower-case protocol: UnsupportedProtocol with the upper-case hint; the Gateway is not accepted', () => {
    const s = run(k8sGateway('gw', 'infra', '- {name: http, port: 80, protocol: http}')).conversion.status.gateways[0]!
    expect(s.listeners[0]?.conditions[0]).toEqual({
      type: 'Accepted',
      status: 'False',
      reason: 'UnsupportedProtocol',
      message: 'protocol "http" is unsupported. hint: "HTTP" (uppercase) may be supported',
    })
    expect(s.listeners[0]?.supportedKinds).toEqual([])
    expect(brief(s.conditions)[0]).toBe('Accepted=False/ListenersNotValid')
  })

  test('a TCP listener after an HTTP one on the same port loses: Conflicted, no ResolvedRefs, not a parent', () => {
    const yaml =
      k8sGateway('gw', 'infra', '- {name: http, port: 80, protocol: HTTP}\n- {name: tcp, port: 80, protocol: TCP}') +
      route(
        'r',
        'infra',
        'parentRefs: [{name: gw, sectionName: tcp}]\nrules: [{backendRefs: [{name: s, port: 1}]}]',
        'TCPRoute',
      )
    const s = run(yaml).conversion.status.gateways[0]!
    expect(brief(s.listeners[1]!.conditions)).toEqual([
      'Accepted=False/ProtocolConflict',
      'Conflicted=True/ProtocolConflict',
      'Programmed=False/ProtocolConflict',
    ])
    expect(brief(s.conditions)[0]).toBe('Accepted=True/ListenersNotValid')
    expect(s.conditions[0]?.message).toBe("One or more of the Gateway's listeners are invalid")
    expect(s.listeners[1]?.conditions[0]?.message).toBe(
      'Listener has a conflict with another listener attached to the same Gateway',
    )
    expect(parentConditions(yaml)[0]).toMatchObject({
      reason: 'NoMatchingParent',
      message: 'sectionName "tcp" not found',
    })
  })

  test('HTTP and HTTPS with different hostnames on one port do not conflict', () => {
    const s = run(
      k8sGateway(
        'gw',
        'infra',
        '- {name: a, port: 8443, protocol: HTTP, hostname: a.example.com}\n- {name: b, port: 8443, protocol: HTTPS, hostname: b.example.com, tls: {certificateRefs: [{name: c}]}}',
      ),
    ).conversion.status.gateways[0]!
    expect(s.listeners.map((l) => l.conditions[1]?.status)).toEqual(['False', 'False'])
  })

  test('allowedRoutes.kinds with an unsupported kind: ResolvedRefs=False/InvalidRouteKinds, still Accepted', () => {
    const s = run(
      k8sGateway(
        'gw',
        'infra',
        '- {name: http, port: 80, protocol: HTTP, allowedRoutes: {kinds: [{kind: HTTPRoute}, {kind: TCPRoute}]}}',
      ),
    ).conversion.status.gateways[0]!
    expect(brief(s.listeners[0]!.conditions)).toEqual([
      'Accepted=True/Accepted',
      'Conflicted=False/NoConflicts',
      'Programmed=True/Programmed',
      'ResolvedRefs=False/InvalidRouteKinds',
    ])
    // istiod names none of the kinds (gatewaycommon/conversion.go ReportListenerCondition).
    expect(s.listeners[0]?.conditions[3]?.message).toBe('Invalid route kinds')
    expect(s.listeners[0]?.supportedKinds.map((k) => k.kind)).toEqual(['HTTPRoute'])
  })

  test('an unmanaged Gateway on istio-ingressgateway: port 8080 is the workload port, not a Service port', () => {
    const yaml =
      `apiVersion: v1\nkind: Service\nmetadata: {name: istio-ingressgateway, namespace: istio-system}\nspec:\n  selector: {istio: ingressgateway}\n  ports: [{name: http2, port: 80, targetPort: 8080}]\n---\n` +
      k8sGateway('gw', 'istio-system', '- {name: default, port: 8080, protocol: HTTP}').replace(
        'gatewayClassName: istio',
        'gatewayClassName: istio\n  addresses: [{type: Hostname, value: istio-ingressgateway}]',
      )
    const s = run(yaml).conversion.status.gateways[0]!
    expect(s.conditions[1]).toEqual({
      type: 'Programmed',
      status: 'False',
      reason: 'AddressNotUsable',
      message:
        'Failed to assign to any requested addresses: port 8080 not found for hostname "istio-ingressgateway.istio-system.svc.cluster.local" (hint: the service port should be specified, not the workload port. Did you mean one of these ports: [80]?)',
    })
  })

  test('a pending LoadBalancer is Programmed=False/AddressNotAssigned', () => {
    expect(
      brief(run(httpGw, [], undefined, { loadBalancer: 'pending' }).conversion.status.gateways[0]!.conditions)[1],
    ).toBe('Programmed=False/AddressNotAssigned')
  })
})

describe('route attachment (spec rules 15-18)', () => {
  const r = (spec: string, ns = 'infra'): string => route('r', ns, spec)
  test.each([
    [
      'a port the Gateway does not have',
      'parentRefs: [{name: gw, port: 8080}]',
      'NoMatchingParent',
      'port 8080 not found',
    ],
    [
      'a sectionName typo',
      'parentRefs: [{name: gw, sectionName: htp}]',
      'NoMatchingParent',
      'sectionName "htp" not found',
    ],
    [
      'a hostname outside the listener',
      'parentRefs: [{name: gw}]\nhostnames: [shop.example.org]',
      'NoMatchingListenerHostname',
      'no hostnames matched parent hostname "*.example.com"',
    ],
  ])('%s', (_n, spec, reason, message) => {
    expect(parentConditions(httpGw + r(spec))[0]).toEqual({ type: 'Accepted', status: 'False', reason, message })
  })

  test('messages of the same reason are joined per listener, repeats included (as istiod 1.31 writes them)', () => {
    const two = k8sGateway(
      'gw',
      'infra',
      '- {name: a, port: 80, protocol: HTTP}\n- {name: b, port: 81, protocol: HTTP}',
    )
    expect(parentConditions(two + r('parentRefs: [{name: gw, sectionName: c}]'))[0]?.message).toBe(
      'sectionName "c" not found; sectionName "c" not found',
    )
  })

  test('another namespace with allowedRoutes Same: NotAllowedByListeners', () => {
    expect(
      parentConditions(
        httpGw + r('parentRefs: [{name: gw, namespace: infra}]\nhostnames: [shop.example.com]', 'shop'),
      )[0],
    ).toEqual({
      type: 'Accepted',
      status: 'False',
      reason: 'NotAllowedByListeners',
      message: 'hostnames matched parent hostname "*.example.com", but namespace "shop" is not allowed by the parent',
    })
  })

  test('a wrong hostname is reported even when the namespace is wrong too', () => {
    expect(
      parentConditions(
        httpGw + r('parentRefs: [{name: gw, namespace: infra}]\nhostnames: [shop.example.org]', 'shop'),
      )[0]?.reason,
    ).toBe('NoMatchingListenerHostname')
  })

  test('allowedRoutes Selector admits namespaces by label, including the implicit metadata.name label', () => {
    const gw = k8sGateway(
      'gw',
      'infra',
      '- {name: http, port: 80, protocol: HTTP, allowedRoutes: {namespaces: {from: Selector, selector: {matchLabels: {team: shop}}}}}\n- {name: alt, port: 81, protocol: HTTP, allowedRoutes: {namespaces: {from: Selector, selector: {matchExpressions: [{key: kubernetes.io/metadata.name, operator: In, values: [extra]}]}}}}',
    )
    const ns = `apiVersion: v1\nkind: Namespace\nmetadata: {name: shop, labels: {team: shop}}\n---\n`
    const yaml =
      gw +
      ns +
      route('r', 'shop', 'parentRefs: [{name: gw, namespace: infra, sectionName: http}]') +
      route('x', 'extra', 'parentRefs: [{name: gw, namespace: infra}]')
    expect(parentConditions(yaml, 'r')[0]?.reason).toBe('Accepted')
    expect(parentConditions(yaml, 'x')[0]).toMatchObject({ status: 'True', message: 'Route was valid' })
    const listeners = run(yaml).conversion.gateways[0]!.listeners
    expect(listeners.map((l) => l.hosts)).toEqual([['shop/*'], ['extra/*']])
  })

  test('a TCPRoute on an HTTP listener: kind not allowed', () => {
    const yaml =
      httpGw + route('r', 'infra', 'parentRefs: [{name: gw}]\nrules: [{backendRefs: [{name: s, port: 1}]}]', 'TCPRoute')
    expect(parentConditions(yaml)[0]).toMatchObject({
      reason: 'NotAllowedByListeners',
      message: 'kind gateway.networking.k8s.io/v1/TCPRoute is not allowed',
    })
  })

  test('bound to two listeners: "Route was valid, bound to 2 parents"; attachedRoutes counts per listener', () => {
    const yaml =
      k8sGateway('gw', 'infra', '- {name: a, port: 80, protocol: HTTP}\n- {name: b, port: 8080, protocol: HTTP}') +
      route('r', 'infra', 'parentRefs: [{name: gw}]') +
      route('s', 'infra', 'parentRefs: [{name: gw, sectionName: b}]')
    const out = run(yaml).conversion.status
    expect(out.routes[0]?.parents[0]?.conditions[0]?.message).toBe('Route was valid, bound to 2 parents')
    expect(out.gateways[0]?.listeners.map((l) => l.attachedRoutes)).toEqual([1, 2])
  })

  test('a missing Gateway, or a parent of another kind, gets no status entry at all', () => {
    const out = run(httpGw + r('parentRefs: [{name: nope}, {name: svc, kind: Service, group: ""}]')).conversion.status
    expect(out.routes[0]?.parents).toEqual([])
  })
})

describe('backend resolution (spec rules 31-35)', () => {
  const base = httpGw + service('api', 'infra', 8080)
  const cases: Array<[string, string, string, string]> = [
    ['a Service that exists', '{name: api, port: 8080}', 'ResolvedRefs', 'All references resolved'],
    [
      'a missing Service',
      '{name: ghost, port: 80}',
      'BackendNotFound',
      'backend(ghost.infra.svc.cluster.local) not found',
    ],
    [
      'an unsupported kind',
      '{name: b, kind: GcsBucket, port: 80}',
      'InvalidKind',
      'referencing unsupported backendRef: group "" kind "GcsBucket"',
    ],
    [
      'another namespace without a ReferenceGrant',
      '{name: pay, namespace: payments, port: 80}',
      'RefNotPermitted',
      'backendRef pay/payments not accessible to a HTTPRoute in namespace "infra" (missing a ReferenceGrant?)',
    ],
  ]
  test.each(cases)('%s', (_n, ref, reason, message) => {
    const yaml =
      base +
      route('r', 'infra', `parentRefs: [{name: gw}]\nhostnames: [a.example.com]\nrules: [{backendRefs: [${ref}]}]`)
    expect(parentConditions(yaml)[1]).toMatchObject({ type: 'ResolvedRefs', reason, message })
  })

  test('a ReferenceGrant in the target namespace permits the cross-namespace backend', () => {
    const grant = `apiVersion: gateway.networking.k8s.io/v1beta1\nkind: ReferenceGrant\nmetadata: {name: g, namespace: payments}\nspec:\n  from: [{group: gateway.networking.k8s.io, kind: HTTPRoute, namespace: infra}]\n  to: [{group: "", kind: Service, name: pay}]\n---\n`
    const yaml =
      base +
      service('pay', 'payments', 80) +
      grant +
      route(
        'r',
        'infra',
        'parentRefs: [{name: gw}]\nrules: [{backendRefs: [{name: pay, namespace: payments, port: 80}]}]',
      )
    expect(parentConditions(yaml)[1]?.reason).toBe('ResolvedRefs')
  })

  test('a mirror to a missing backend makes ResolvedRefs False', () => {
    const yaml =
      base +
      route(
        'r',
        'infra',
        'parentRefs: [{name: gw}]\nrules:\n- filters: [{type: RequestMirror, requestMirror: {backendRef: {name: shadow, port: 80}}}]\n  backendRefs: [{name: api, port: 8080}]',
      )
    expect(parentConditions(yaml)[1]?.reason).toBe('BackendNotFound')
  })

  test('a backendRef named like a hostname drops the whole route, which stays Accepted and counted', () => {
    const yaml =
      base +
      route(
        'r',
        'infra',
        'parentRefs: [{name: gw}]\nhostnames: [a.example.com]\nrules:\n- matches: [{path: {type: PathPrefix, value: /ok}}]\n  backendRefs: [{name: api, port: 8080}]\n- backendRefs: [{name: api.infra, port: 8080}]',
      )
    const r = run(yaml, [{ port: 80, host: 'a.example.com', path: '/ok' }])
    expect(brief(r.conversion.status.routes[0]!.parents[0]!.conditions)).toEqual([
      'Accepted=True/Accepted',
      'ResolvedRefs=False/InvalidDestination',
    ])
    expect(r.conversion.status.routes[0]!.parents[0]!.conditions[1]?.message).toBe(
      'service name invalid; the name of the Service must be used, not the hostname.',
    )
    expect(r.conversion.status.gateways[0]?.listeners[0]?.attachedRoutes).toBe(1)
    expect(r.requests[0]?.result.status).toBe(404)
  })
})
