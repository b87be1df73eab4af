#!/usr/bin/env node
// The `kindlab` command. The CLI is bundled into dist/ by `npm ci` (prepare) or `npm run build`.
import { existsSync } from 'node:fs'

const bundle = new URL('../dist/kindlab.js', import.meta.url)
if (!existsSync(bundle)) {
  process.stderr.write('error: kindlab is not built yet.\nhint: run `npm run build` (npm ci does it for you).\n')
  process.exit(70)
}
await import(bundle.href)
