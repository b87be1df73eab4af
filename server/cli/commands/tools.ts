// `kindlab tools install`: downloads the pinned kind, kubectl and istioctl for this OS/arch into
// ~/.kindlab/bin, each checked against the SHA-256 pinned in clusters/versions.json; installs what
// it can and fails for tools that have no pinned checksum here. The downloader loads when it runs.
import type { Command } from 'commander'
import { AppError } from '../../errors.ts'
import type { ToolDownload } from '../../provision/tools.ts'
import { pc } from '../colors.ts'

/** What the command needs beyond printing, loaded when it runs (not for `kindlab --help`). */
const load = async () => ({
  ...(await import('../../provision/tools.ts')),
  ...(await import('../live-env.ts')),
})

/** The flags of `kindlab tools install`. */
export interface ToolsInstallFlags {
  data?: string
  binDir?: string
  force?: boolean
}

export function registerTools(program: Command): void {
  const tools = program.command('tools').description('manage the command-line tools the live lab uses')
  tools
    .command('install')
    .description('download the pinned kind, kubectl and istioctl (SHA-256 checked) into ~/.kindlab/bin')
    .argument('[tools...]', 'only these tools (kind, kubectl, istioctl)')
    .option('--data <dir>', 'kindlab data folder (tools go into <dir>/bin)')
    .option('--bin-dir <dir>', 'install into this folder instead (e.g. /usr/local/bin in a container image)')
    .option('--force', 'download again even when the pinned version is installed')
    .addHelpText(
      'after',
      '\nA platform without a pinned checksum is refused for that tool: install it yourself and put it on PATH.',
    )
    .action((only: string[], flags: ToolsInstallFlags) => runToolsInstall(only, flags))
}

/** Runs `kindlab tools install`: installs each verified tool, then fails for the refused ones. */
export async function runToolsInstall(only: string[], flags: ToolsInstallFlags): Promise<void> {
  const { installTool, loadVersions, planToolDownloads, refusedError, toPlatform, liveEnv } = await load()
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
