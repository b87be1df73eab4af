// `kindlab tools install`: downloads the pinned kind, kubectl and istioctl for this OS/arch into
// ~/.kindlab/bin, each checked against the SHA-256 pinned in clusters/versions.json.
import type { Command } from 'commander'
import type { ToolsInstallFlags } from '../tools-cli.ts'

export type { ToolsInstallFlags }

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
    .action(async (only: string[], flags: ToolsInstallFlags) => {
      const { runToolsInstall } = await import('../tools-cli.ts')
      await runToolsInstall(only, flags)
    })
}
