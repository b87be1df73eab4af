// The flags `serve` and `up` share, and their translation into config overrides.
import { Option, type Command } from 'commander'
import type { Config } from '../config.ts'
import { AppError } from '../errors.ts'
import { liveFlagOptions, type LiveFlags } from './live-flags.ts'

export interface ServeFlags extends LiveFlags {
  port?: string
  host?: string
  publicUrl?: string
  labs?: string
  data?: string
  open?: boolean
}

export function serveOptions(cmd: Command): Command {
  const served = cmd
    .option('--port <n>', 'port to listen on (0 picks a free one)', '4280')
    .addOption(
      new Option('--host <address>', 'address to listen on; beyond 127.0.0.1 needs KINDLAB_ACCESS_TOKEN').default(
        '127.0.0.1',
      ),
    )
    .option(
      '--public-url <url>',
      'the address people open (e.g. behind a proxy): its host name is served, handouts print it',
    )
    .option('--labs <dir>', 'folder of labs to serve (default: the bundled labs)')
    .option('--data <dir>', 'data folder for the database and workspaces (default: ~/.kindlab)')
  return liveFlagOptions(served, 'kubeconfig context of the lab cluster (grades live against it)')
}

export function overridesFrom(flags: ServeFlags): Partial<Config> {
  const port = Number(flags.port)
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new AppError('LAB_ERR_USAGE', {
      message: `--port must be a number from 0 to 65535, not "${flags.port}".`,
      hint: 'Example: --port 8080',
    })
  }
  return {
    port,
    ...(flags.host ? { host: flags.host } : {}),
    ...(flags.publicUrl ? { publicUrl: flags.publicUrl } : {}),
    ...(flags.labs ? { labsDir: flags.labs } : {}),
    ...(flags.data ? { dataDir: flags.data } : {}),
    ...(flags.context ? { kubeContext: flags.context } : {}),
  }
}

/** `--var NAME=value` pairs (repeatable), format-checked: NAME is upper case, letters, digits, `_`. */
export function parseVarPairs(pairs: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {}
  for (const pair of pairs) {
    const eq = pair.indexOf('=')
    const name = eq < 0 ? pair : pair.slice(0, eq)
    if (eq < 0 || !/^[A-Z][A-Z0-9_]*$/.test(name)) {
      throw new AppError('LAB_ERR_USAGE', {
        message: `--var ${pair} is not NAME=value.`,
        hint: 'Write it as --var TRAINEE_DOMAIN=example.com.',
      })
    }
    out[name] = pair.slice(eq + 1)
  }
  return out
}
