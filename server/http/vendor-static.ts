// Browser libraries served as they ship, from node_modules, next to the app under /static/:
// uPlot (the grade book's class progress chart) is loaded by the instructor page only, so the
// learner's bundle stays small. Only the listed files are served, never the package folder.
import fastifyStatic from '@fastify/static'
import type { FastifyInstance } from 'fastify'
import { createRequire } from 'node:module'
import { dirname } from 'node:path'

/** URL prefix → the package file it resolves from, and the files of its folder that are served. */
const vendored = [
  { prefix: '/static/vendor/uplot/', entry: 'uplot/dist/uPlot.esm.js', files: ['uPlot.esm.js', 'uPlot.min.css'] },
]

export async function registerVendorFiles(app: FastifyInstance): Promise<void> {
  const require = createRequire(import.meta.url)
  for (const v of vendored) {
    const allowed = new Set(v.files.map((f) => `/${f}`))
    await app.register(fastifyStatic, {
      root: dirname(require.resolve(v.entry)),
      prefix: v.prefix,
      decorateReply: false,
      index: false,
      maxAge: 0,
      allowedPath: (pathName) => allowed.has(pathName),
    })
  }
}
