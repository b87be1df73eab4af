// Process entry of the `kindlab` CLI (bundled to dist/kindlab.js; bin/kindlab.js loads it).
import { runCli } from './main.ts'

// `kindlab simulate --json | head` closes the pipe early: stop quietly, as other CLI tools do,
// instead of dying with an unhandled EPIPE stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') {
      process.exit(process.exitCode ?? 0)
    }
    throw err
  })
}

process.exitCode = await runCli(process.argv)
