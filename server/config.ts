// Server configuration: one TypeBox schema, validated (and defaulted from its `default:`s) once at
// start in the app-wide dialect (validation/dialect.ts), frozen, passed down. The only module that
// reads process.env (besides the CLI, which passes flags in as overrides).
import { Type, type Static } from '@sinclair/typebox'
import { isIP } from 'node:net'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { AppError } from './errors.ts'
import { errorsText, validateDocument } from './validation/dialect.ts'

export const ConfigSchema = Type.Object({
  host: Type.String({ default: '127.0.0.1', description: 'Address to listen on (KINDLAB_HOST).' }),
  port: Type.Integer({ minimum: 0, maximum: 65535, default: 4280, description: 'Port to listen on (KINDLAB_PORT).' }),
  labsDir: Type.String({ description: 'Folder holding the labs (KINDLAB_LABS_DIR).' }),
  dataDir: Type.String({ description: 'Folder for the SQLite database and workspaces (KINDLAB_DATA_DIR).' }),
  offline: Type.Boolean({ default: false, description: 'Serve without a cluster (KINDLAB_OFFLINE).' }),
  offlineReason: Type.Optional(Type.String({ description: 'Why the server is offline, shown as a banner.' })),
  kubeContext: Type.Optional(Type.String({ description: 'kubeconfig context of the lab cluster (KINDLAB_CONTEXT).' })),
  accessToken: Type.Optional(
    Type.String({
      minLength: 16,
      description: 'Required to open sessions when serving beyond localhost (KINDLAB_ACCESS_TOKEN).',
    }),
  ),
  publicUrl: Type.Optional(
    Type.String({
      description:
        'The address people open, e.g. https://kindlab.class.example (KINDLAB_PUBLIC_URL, --public-url): its host name is served and handouts print it.',
    }),
  ),
  allowedOrigins: Type.Array(Type.String(), { default: [], description: 'Extra origins allowed to open terminals.' }),
  logLevel: Type.Union(
    [
      Type.Literal('fatal'),
      Type.Literal('error'),
      Type.Literal('warn'),
      Type.Literal('info'),
      Type.Literal('debug'),
      Type.Literal('trace'),
      Type.Literal('silent'),
    ],
    { default: 'info', description: 'pino log level (LOG_LEVEL).' },
  ),
  exposeStack: Type.Boolean({
    default: false,
    description: 'Include stack traces in API errors (KINDLAB_EXPOSE_STACK).',
  }),
  sessionIdleMinutes: Type.Integer({ minimum: 1, default: 240, description: 'A terminal idle this long is closed.' }),
  sessionExpiryHours: Type.Integer({
    minimum: 1,
    default: 48,
    description: 'A solo session unused this long ends and its workspace is deleted (KINDLAB_SESSION_EXPIRY_HOURS).',
  }),
  maxSessionsPerClient: Type.Integer({
    minimum: 1,
    default: 20,
    description: 'Live solo sessions one client address may hold (KINDLAB_MAX_SESSIONS_PER_CLIENT).',
  }),
  maxSessions: Type.Integer({
    minimum: 1,
    default: 500,
    description: 'Live solo sessions in all (KINDLAB_MAX_SESSIONS).',
  }),
  maxTerminals: Type.Integer({
    minimum: 1,
    default: 250,
    description: 'Terminals running at once (KINDLAB_MAX_TERMINALS).',
  }),
})

export type Config = Readonly<Static<typeof ConfigSchema>>

type Env = Record<string, string | undefined>

/** Builds the config from the environment, then applies overrides (CLI flags win). */
export function loadConfig(env: Env = process.env, overrides: Partial<Config> = {}): Config {
  const fromEnv: Record<string, unknown> = {
    host: env['KINDLAB_HOST'],
    port: env['KINDLAB_PORT'] === undefined ? undefined : Number(env['KINDLAB_PORT']),
    labsDir: env['KINDLAB_LABS_DIR'],
    dataDir: env['KINDLAB_DATA_DIR'] ?? join(homedir(), '.kindlab'),
    offline: parseBool(env['KINDLAB_OFFLINE']),
    kubeContext: env['KINDLAB_CONTEXT'],
    accessToken: env['KINDLAB_ACCESS_TOKEN'],
    publicUrl: env['KINDLAB_PUBLIC_URL'],
    allowedOrigins: env['KINDLAB_ALLOWED_ORIGINS']
      ?.split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    logLevel: env['LOG_LEVEL'],
    exposeStack: parseBool(env['KINDLAB_EXPOSE_STACK']),
    sessionExpiryHours: parseNumber(env['KINDLAB_SESSION_EXPIRY_HOURS']),
    maxSessionsPerClient: parseNumber(env['KINDLAB_MAX_SESSIONS_PER_CLIENT']),
    maxSessions: parseNumber(env['KINDLAB_MAX_SESSIONS']),
    maxTerminals: parseNumber(env['KINDLAB_MAX_TERMINALS']),
  }
  const merged: Record<string, unknown> = {}
  for (const [key, value] of Object.entries({ ...fromEnv, ...overrides })) {
    if (value !== undefined) {
      merged[key] = value
    }
  }
  const validated = validateDocument(ConfigSchema, merged)
  if (!validated.ok) {
    throw new AppError('LAB_ERR_CONFIG_INVALID', {
      message: `The server configuration is invalid: ${errorsText(validated.errors)}.`,
      hint: 'Check the KINDLAB_* environment variables and the command-line flags (see .env.example).',
    })
  }
  const config = validated.value
  if (!isLoopback(config.host) && !config.accessToken) {
    throw new AppError('LAB_ERR_CONFIG_INVALID', {
      message: `Serving on ${config.host} (beyond this machine) needs an access token.`,
      hint: 'Set KINDLAB_ACCESS_TOKEN to a secret of 16+ characters and share the link it prints, or listen on 127.0.0.1.',
    })
  }
  if (config.publicUrl !== undefined) {
    config.publicUrl = normalizePublicUrl(config.publicUrl)
  }
  return Object.freeze(config)
}

function parseNumber(value: string | undefined): number | undefined {
  return value === undefined || value === '' ? undefined : Number(value)
}

/** The origin of an http(s) URL with no user, path, query or fragment (kindlab serves at the root). */
function normalizePublicUrl(value: string): string {
  let url: URL | undefined
  try {
    url = new URL(value)
  } catch {
    url = undefined
  }
  if (
    !url ||
    !['http:', 'https:'].includes(url.protocol) ||
    url.username ||
    url.password ||
    url.pathname !== '/' ||
    url.search ||
    url.hash
  ) {
    throw new AppError('LAB_ERR_CONFIG_INVALID', {
      message: `The public URL "${value}" is not a plain http(s) address.`,
      hint: 'Give the address people open, without a path, e.g. --public-url https://kindlab.class.example',
    })
  }
  return url.origin
}

function parseBool(value: string | undefined): boolean | undefined {
  if (value === undefined || value === '') {
    return undefined
  }
  return ['1', 'true', 'yes', 'on'].includes(value.toLowerCase())
}

/** True for addresses only this machine can reach. */
export function isLoopback(host: string): boolean {
  // An address, not a name: `127.example.com` is a name anyone can point anywhere.
  return host === 'localhost' || host === '::1' || (isIP(host) === 4 && host.startsWith('127.'))
}

/**
 * The named variables of this process's environment that are set: what a command kindlab runs
 * inherits (PATH, locale), read here like every other setting.
 */
export function inheritedEnv(keys: readonly string[], env: Env = process.env): Record<string, string> {
  const out: Record<string, string> = {}
  for (const key of keys) {
    const value = env[key]
    if (value !== undefined) {
      out[key] = value
    }
  }
  return out
}
