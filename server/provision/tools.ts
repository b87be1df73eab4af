// `kindlab tools install`: which pinned tool files (clusters/versions.json) fit this OS/arch, and
// installing them into a bin folder through the download adapter. A platform without a verified
// SHA-256 is refused for that tool, never downloaded unchecked.
import { readFile, writeFile, chmod, mkdir, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { downloadVerified } from '../adapters/download/download.ts'
import { extractTarGzMember } from '../adapters/download/tar-gz.ts'
import { AppError } from '../errors.ts'
import { clustersDir } from '../paths.ts'

export interface ToolPin {
  version: string
  /** Template with {version}, {os}, {istioOs}, {arch}, {exe}. */
  url: string
  archive: 'none' | 'tar.gz'
  /** The file inside the archive. */
  member?: string
  /** SHA-256 of the downloaded file per "<os>-<arch>"; null when no verified sum exists. */
  sha256: Record<string, string | null>
}

export interface Versions {
  tools: Record<string, ToolPin>
}

export interface Platform {
  os: 'linux' | 'darwin' | 'windows'
  arch: 'amd64' | 'arm64'
}

export type ToolDownload =
  | {
      tool: string
      version: string
      status: 'ok'
      url: string
      sha256: string
      archive: ToolPin['archive']
      member: string
      file: string
    }
  | { tool: string; version: string; status: 'refused'; reason: string }

/** Go-style names for Node's platform and arch; undefined when kindlab has no pins for it. */
export function toPlatform(platform: string, arch: string): Platform | undefined {
  const os = ({ linux: 'linux', darwin: 'darwin', win32: 'windows' } as const)[platform as 'linux' | 'darwin' | 'win32']
  const a = ({ x64: 'amd64', arm64: 'arm64' } as const)[arch as 'x64' | 'arm64']
  return os && a ? { os, arch: a } : undefined
}

export async function loadVersions(dir: string = clustersDir()): Promise<Versions> {
  return JSON.parse(await readFile(join(dir, 'versions.json'), 'utf8')) as Versions
}

function fill(template: string, pin: ToolPin, p: Platform): string {
  const values: Record<string, string> = {
    version: pin.version,
    os: p.os,
    istioOs: p.os === 'darwin' ? 'osx' : p.os === 'windows' ? 'win' : p.os,
    arch: p.arch,
    exe: p.os === 'windows' ? '.exe' : '',
  }
  return template.replace(/\{(\w+)\}/g, (_, key: string) => values[key] ?? `{${key}}`)
}

/** What to download for `platform`: one entry per tool, refused when no verified sum is pinned. */
export function planToolDownloads(versions: Versions, platform: Platform, only?: readonly string[]): ToolDownload[] {
  const key = `${platform.os}-${platform.arch}`
  return Object.entries(versions.tools)
    .filter(([tool]) => !only || only.includes(tool))
    .map(([tool, pin]): ToolDownload => {
      const sha256 = pin.sha256[key]
      if (!sha256) {
        return {
          tool,
          version: pin.version,
          status: 'refused',
          reason: `no verified SHA-256 for ${tool} ${pin.version} on ${key} is pinned in clusters/versions.json`,
        }
      }
      const exe = platform.os === 'windows' ? '.exe' : ''
      return {
        tool,
        version: pin.version,
        status: 'ok',
        url: fill(pin.url, pin, platform),
        sha256,
        archive: pin.archive,
        member: `${pin.member ?? tool}${exe}`,
        file: `${tool}${exe}`,
      }
    })
}

const stateFile = '.kindlab-tools.json'

async function installedState(binDir: string): Promise<Record<string, string>> {
  try {
    return JSON.parse(await readFile(join(binDir, stateFile), 'utf8')) as Record<string, string>
  } catch {
    return {}
  }
}

/** Downloads, verifies and installs one tool; returns "installed" or "up to date". */
export async function installTool(
  d: Extract<ToolDownload, { status: 'ok' }>,
  binDir: string,
  options: { force?: boolean; signal?: AbortSignal } = {},
): Promise<'installed' | 'up to date'> {
  const state = await installedState(binDir)
  const target = join(binDir, d.file)
  const exists = await readFile(target).then(
    () => true,
    () => false,
  )
  if (!options.force && exists && state[d.tool] === d.sha256) {
    return 'up to date'
  }
  await mkdir(binDir, { recursive: true })
  const download = d.archive === 'none' ? target : join(binDir, `.${d.tool}-${d.version}.tar.gz`)
  await downloadVerified(d.url, download, { sha256: d.sha256, ...(options.signal ? { signal: options.signal } : {}) })
  if (d.archive === 'tar.gz') {
    await extractTarGzMember(download, d.member, target)
    await rm(download, { force: true })
  }
  await chmod(target, 0o755)
  await writeFile(
    join(binDir, stateFile),
    `${JSON.stringify({ ...(await installedState(binDir)), [d.tool]: d.sha256 }, null, 2)}\n`,
  )
  return 'installed'
}

/** The error for tools that were refused, listing each one and what to do instead. */
export function refusedError(
  refused: Array<Extract<ToolDownload, { status: 'refused' }>>,
  platform: Platform,
): AppError {
  return new AppError('LAB_ERR_PLATFORM_UNSUPPORTED', {
    message: `Not installed on ${platform.os}-${platform.arch}: ${refused.map((r) => `${r.tool} ${r.version} (${r.reason})`).join('; ')}.`,
    hint: 'Install these yourself from their official releases (checking the published .sha256) and put them on PATH or in ~/.kindlab/bin; `kindlab doctor` will find them.',
  })
}
