// Table tests of the request defaults and of Envoy cluster names against expected Services.
import { describe, expect, it } from 'vitest'
import { validateDocument } from '../../validation/dialect.ts'
import {
  clusterIs,
  describeRequest,
  type ExpectedService,
  parseClusterName,
  RequestSchema,
  type RequestParams,
  shortCluster,
  toGatewayRequest,
} from './request.ts'

/** Request params as written in a lab, with the schema's defaults, as a check kind receives them. */
function request(written: Partial<RequestParams>): RequestParams {
  const result = validateDocument(RequestSchema, written)
  if (!result.ok) {
    throw new Error(JSON.stringify(result.errors))
  }
  return result.value
}

describe('toGatewayRequest and describeRequest', () => {
  it.each<[Partial<RequestParams>, string, number, string]>([
    [{ host: 'shop.example' }, 'GET http://shop.example/', 80, 'shop.example'],
    [{ host: 'shop.example', https: true }, 'GET https://shop.example/', 443, 'shop.example'],
    [
      { host: 'Shop.Example:8443', https: true, port: 8443, path: '/a?b=1', method: 'post' },
      'POST https://Shop.Example:8443/a?b=1',
      8443,
      'shop.example',
    ],
    [{ host: 'shop.example', port: 8080 }, 'GET http://shop.example:8080/', 8080, 'shop.example'],
    [{ host: 'shop.example', https: true, sni: 'other.example' }, 'GET https://shop.example/', 443, 'other.example'],
  ])('%j', (params, text, port, sni) => {
    const r = toGatewayRequest(request(params))
    expect(describeRequest(r)).toBe(text)
    expect(r.port).toBe(port)
    expect(r.sni).toBe(sni)
  })

  it('describes a TCP connection by its port', () => {
    expect(describeRequest({ ...toGatewayRequest(request({ host: 'redis' })), protocol: 'tcp', port: 31400 })).toBe(
      'a TCP connection to gateway port 31400',
    )
  })
})

describe('Envoy cluster names', () => {
  it.each<[string, ReturnType<typeof parseClusterName>, string]>([
    [
      'outbound|80||frontend.shop.svc.cluster.local',
      { port: 80, subset: '', host: 'frontend.shop.svc.cluster.local' },
      'frontend.shop:80',
    ],
    [
      'outbound|80|v2|frontend.shop.svc.cluster.local',
      { port: 80, subset: 'v2', host: 'frontend.shop.svc.cluster.local' },
      'frontend.shop:80 (subset v2)',
    ],
    ['inbound|80||x', undefined, 'inbound|80||x'],
    ['BlackHoleCluster', undefined, 'BlackHoleCluster'],
  ])('%s', (name, parsed, short) => {
    expect(parseClusterName(name)).toEqual(parsed)
    expect(shortCluster(name)).toBe(short)
  })

  it.each<[string | undefined, ExpectedService, boolean]>([
    ['outbound|80||frontend.shop.svc.cluster.local', { service: 'frontend' }, true],
    ['outbound|80||frontend.shop.svc.cluster.local', { service: 'frontend', port: 80 }, true],
    ['outbound|80||frontend.shop.svc.cluster.local', { service: 'frontend', port: 8080 }, false],
    ['outbound|80||frontend.shop.svc.cluster.local', { service: 'frontend', namespace: 'default' }, false],
    ['outbound|80||frontend.shop.svc.cluster.local', { service: 'frontend.shop.svc.cluster.local' }, true],
    ['outbound|80|v1|frontend.shop.svc.cluster.local', { service: 'frontend', subset: 'v1' }, true],
    ['outbound|80|v1|frontend.shop.svc.cluster.local', { service: 'frontend', subset: 'v2' }, false],
    ['outbound|80||frontend.shop.svc.cluster.local', { service: 'frontend', subset: 'v1' }, false],
    [undefined, { service: 'frontend' }, false],
  ])('%s is %j: %s', (cluster, e, want) => {
    expect(clusterIs(cluster, e, 'shop')).toBe(want)
  })
})
