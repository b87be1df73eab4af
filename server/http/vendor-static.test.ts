// The vendored browser files: the listed ones come from node_modules with a type; nothing else of
// the package (or above it) is reachable.
import Fastify from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { registerVendorFiles } from './vendor-static.ts'

const app = Fastify()

beforeAll(async () => {
  await registerVendorFiles(app)
})

afterAll(async () => {
  await app.close()
})

describe('vendor files', () => {
  it('serves uPlot as it ships (the ES module and its CSS)', async () => {
    const js = await app.inject({ method: 'GET', url: '/static/vendor/uplot/uPlot.esm.js' })
    expect(js.statusCode).toBe(200)
    expect(js.headers['content-type']).toMatch(/javascript/)
    expect(js.body).toContain('export { uPlot as default }')
    const css = await app.inject({ method: 'GET', url: '/static/vendor/uplot/uPlot.min.css' })
    expect(css.statusCode).toBe(200)
    expect(css.headers['content-type']).toMatch(/^text\/css/)
  })

  it.each([
    '/static/vendor/uplot/uPlot.cjs.js',
    '/static/vendor/uplot/uPlot.d.ts',
    '/static/vendor/uplot/../package.json',
    '/static/vendor/uplot/%2e%2e/package.json',
    '/static/vendor/uplot/',
  ])('refuses %s', async (url) => {
    const res = await app.inject({ method: 'GET', url })
    expect(res.statusCode).toBeGreaterThanOrEqual(400)
    expect(res.body).not.toContain('"name"')
  })
})
