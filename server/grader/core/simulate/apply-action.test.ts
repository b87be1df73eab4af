import { describe, expect, it } from 'vitest'
import { applyRouteAction } from './apply-action.ts'
import { normalizeRequest } from './request.ts'

const req = normalizeRequest({ port: 8080, host: 'shop.example.com', path: '/cart?x=1' })
const exists = () => true

describe('applyRouteAction redirects', () => {
  it('keeps the request path when path_redirect is empty, as istiod writes it for a scheme-only redirect', () => {
    const r = applyRouteAction(
      { match: { prefix: '/' }, redirect: { scheme_redirect: 'https', path_redirect: '' } },
      req,
      exists,
    )
    expect(r.location).toBe('https://shop.example.com/cart?x=1')
    expect(r.status).toBe(301)
  })
  it('replaces the path when path_redirect is set', () => {
    const r = applyRouteAction(
      { match: { prefix: '/' }, redirect: { path_redirect: '/basket', response_code: 'FOUND' } },
      req,
      exists,
    )
    expect(r.location).toBe('http://shop.example.com/basket?x=1')
    expect(r.status).toBe(302)
  })
})
