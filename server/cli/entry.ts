// Process entry of the `kindlab` CLI (bundled to dist/kindlab.js; bin/kindlab.js loads it).
import { runCli } from './main.ts'

process.exitCode = await runCli(process.argv)
