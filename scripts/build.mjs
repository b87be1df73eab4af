// Builds kindlab: the CLI and server into dist/kindlab.js (Node, ESM, dependencies left in
// node_modules) and the browser app into dist/web/. Runs on `npm ci` (prepare) and `npm run build`.
import { build } from 'esbuild'
import { cp, mkdir, rm } from 'node:fs/promises'
import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const dist = `${root}dist`
const { version } = JSON.parse(readFileSync(`${root}package.json`, 'utf8'))

await rm(dist, { recursive: true, force: true })
await mkdir(`${dist}/web`, { recursive: true })

// `yaml` is bundled (its ES module build, tree-shaken) instead of loaded from node_modules: its
// CommonJS build is some 70 files that cost every CLI start ~50 ms. Other packages stay external.
const bundleYaml = {
  name: 'bundle-yaml',
  setup(b) {
    b.onResolve({ filter: /^yaml$/ }, () => ({ path: `${root}node_modules/yaml/browser/index.js` }))
  },
}

const jobs = []
if (existsSync(`${root}server/cli/entry.ts`)) {
  jobs.push(
    build({
      entryPoints: { kindlab: `${root}server/cli/entry.ts` },
      outdir: dist,
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'esm',
      packages: 'external',
      plugins: [bundleYaml],
      splitting: true,
      chunkNames: 'chunks/[name]-[hash]',
      sourcemap: 'linked',
      define: { __KINDLAB_VERSION__: JSON.stringify(version) },
      logLevel: 'warning',
    }),
  )
}
if (existsSync(`${root}web/src/main.ts`)) {
  jobs.push(
    build({
      entryPoints: { app: `${root}web/src/main.ts` },
      outdir: `${dist}/web`,
      bundle: true,
      platform: 'browser',
      target: 'es2022',
      format: 'esm',
      // The editor (CodeMirror) is imported on first use: its own chunk, fetched only then.
      splitting: true,
      chunkNames: 'chunks/[name]-[hash]',
      minify: true,
      sourcemap: 'linked',
      loader: { '.css': 'css' },
      logLevel: 'warning',
    }),
  )
}
await Promise.all(jobs)
if (existsSync(`${root}web/public`)) {
  await cp(`${root}web/public`, `${dist}/web`, { recursive: true })
}
