// IST0171 with field pointers (spec rule 38): the common reasons a route is missing, each pointing
// at the field to change and its line, with the fix in the hint; nothing for TCPRoute/TLSRoute.
import { describe, expect, test } from 'vitest'
import { k8sGateway, route, run, service } from './gateway-api.test-helper.ts'

const gw = k8sGateway('gw', 'infra', '- {name: http, port: 80, protocol: HTTP, hostname: "*.example.com"}')

function ist0171(
  yaml: string,
): Array<{ resource: string; path?: string; line?: number; message: string; hint?: string }> {
  return run(yaml)
    .diagnostics.filter((f) => f.code === 'IST0171')
    .map((f) => ({
      resource: `${f.resource.kind} ${f.resource.namespace}/${f.resource.name}`,
      ...(f.path === undefined ? {} : { path: f.path }),
      ...(f.source?.line === undefined ? {} : { line: f.source.line }),
      message: f.message,
      ...(f.hint === undefined ? {} : { hint: f.hint }),
    }))
}

describe('IST0171 with the field to fix', () => {
  test('a sectionName typo points at sectionName and lists the listener names', () => {
    const out = ist0171(gw + route('r', 'infra', 'parentRefs:\n- name: gw\n  sectionName: htp'))
    expect(out).toEqual([
      {
        resource: 'HTTPRoute infra/r',
        path: 'spec.parentRefs[0].sectionName',
        line: 15,
        message: 'Accepted is False (NoMatchingParent): sectionName "htp" not found',
        hint: 'sectionName names a listener of Gateway infra/gw: "http".',
      },
    ])
  })

  test('a hostname outside the listener points at spec.hostnames and says what the listener accepts', () => {
    const [f] = ist0171(gw + route('r', 'infra', 'parentRefs: [{name: gw}]\nhostnames:\n- shop.example.org'))
    expect(f).toMatchObject({ path: 'spec.hostnames', line: 14 })
    expect(f?.hint).toContain('accept *.example.com')
  })

  test('a route from a namespace the listener refuses: the hint names allowedRoutes', () => {
    const [f] = ist0171(
      gw + route('r', 'shop', 'parentRefs: [{name: gw, namespace: infra}]\nhostnames: [a.example.com]'),
    )
    expect(f).toMatchObject({ resource: 'HTTPRoute shop/r', path: 'spec.parentRefs[0]' })
    expect(f?.hint).toContain('allowedRoutes.namespaces')
  })

  test('a cross-namespace backend without ReferenceGrant points at the backendRef and says which grant to create', () => {
    const yaml =
      gw +
      service('pay', 'payments', 80) +
      route(
        'r',
        'infra',
        'parentRefs: [{name: gw}]\nrules:\n- backendRefs:\n  - {name: pay, namespace: payments, port: 80}',
      )
    const [f] = ist0171(yaml)
    expect(f).toMatchObject({ path: 'spec.rules[0].backendRefs[0]', line: 23 })
    expect(f?.message).toContain('ResolvedRefs is False (RefNotPermitted)')
    expect(f?.hint).toBe(
      'Create a ReferenceGrant in namespace payments from HTTPRoute in namespace infra to Service pay; until then requests for this backend get 500.',
    )
  })

  test('a Gateway listener port that is not a Service port: Programmed, with the Service ports in the hint', () => {
    const yaml =
      `apiVersion: v1\nkind: Service\nmetadata: {name: istio-ingressgateway, namespace: istio-system}\nspec:\n  selector: {istio: ingressgateway}\n  ports: [{name: http2, port: 80, targetPort: 8080}]\n---\n` +
      k8sGateway('gw', 'istio-system', '- {name: default, port: 8080, protocol: HTTP}').replace(
        'gatewayClassName: istio',
        'gatewayClassName: istio\n  addresses: [{type: Hostname, value: istio-ingressgateway}]',
      )
    const [f] = ist0171(yaml)
    expect(f?.resource).toBe('Gateway istio-system/gw')
    expect(f?.message).toContain('Programmed is False (AddressNotUsable)')
    expect(f?.hint).toContain('Service istio-ingressgateway.istio-system.svc.cluster.local (80)')
  })

  test('nothing for a TCPRoute, and nothing when everything is valid', () => {
    const tcp =
      k8sGateway('gw', 'infra', '- {name: tcp, port: 9000, protocol: TCP}') +
      route('r', 'infra', 'parentRefs: [{name: gw, sectionName: nope}]', 'TCPRoute')
    expect(ist0171(tcp)).toEqual([])
    expect(
      ist0171(
        gw +
          service('a', 'infra', 80) +
          route('r', 'infra', 'parentRefs: [{name: gw}]\nrules: [{backendRefs: [{name: a, port: 80}]}]'),
      ),
    ).toEqual([])
  })
})
