// Runs `kindlab tools install`: plans the downloads for this OS/arch, installs each verified tool,
// and fails (after installing what it can) for tools that have no pinned checksum here.
import { pc } from './colors.ts'
import { AppError } from '../errors.ts'
import {
  installTool,
  loadVersions,
  planToolDownloads,
  refusedError,
  toPlatform,
  type ToolDownload,
} from '../provision/tools.ts'
import { liveEnv } from './live-env.ts'

export interface ToolsInstallFlags {
  data?: string
  binDir?: string
  force?: boolean
}

export async function runToolsInstall(only: string[], flags: ToolsInstallFlags): Promise<void> {
  const platform = toPlatform(process.platform, process.arch)
  if (!platform) {
    throw new AppError('LAB_ERR_PLATFORM_UNSUPPORTED', {
      message: `kindlab has no pinned tools for ${process.platform}-${process.arch}.`,
      hint: 'Install kind, kubectl and istioctl from their releases and put them on PATH.',
    })
  }
  const versions = await loadVersions()
  const unknown = only.filter((t) => !(t in versions.tools))
  if (unknown.length) {
    throw new AppError('LAB_ERR_USAGE', {
      message: `Unknown tool: ${unknown.join(', ')}.`,
      hint: `Choose from ${Object.keys(versions.tools).join(', ')}.`,
    })
  }
  const binDir = flags.binDir ?? liveEnv(flags.data).binDir
  const plan = planToolDownloads(versions, platform, only.length ? only : undefined)
  const refused: Array<Extract<ToolDownload, { status: 'refused' }>> = []
  for (const d of plan) {
    if (d.status === 'refused') {
      refused.push(d)
      process.stdout.write(`${pc.yellow('!')} ${d.tool} ${d.version}: ${d.reason}\n`)
      continue
    }
    process.stdout.write(`… ${d.tool} ${d.version} from ${d.url}\n`)
    const result = await installTool(d, binDir, { ...(flags.force ? { force: true } : {}) })
    process.stdout.write(
      `${pc.green('✔')} ${d.tool} ${d.version} ${result} in ${binDir} ${pc.dim(`(sha256 ${d.sha256.slice(0, 12)}…)`)}\n`,
    )
  }
  if (refused.length) {
    throw refusedError(refused, platform)
  }
  process.stdout.write(
    pc.dim(`kindlab finds tools in ${binDir} by itself; to use them in your shell: export PATH="${binDir}:$PATH"\n`),
  )
}
