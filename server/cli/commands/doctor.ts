// `kindlab doctor`: checks what the live lab needs (Docker, kind, kubectl, istioctl, memory, ports)
// and prints a table with a fix for each problem. The probes load only when the command runs.
import type { Command } from 'commander'
import type { DoctorReport, DoctorStatus } from '../../doctor/judge.ts'
import { pc, tableStyle } from '../colors.ts'

/** What the command needs beyond printing, loaded when it runs (not for `kindlab --help`). */
const load = async () => ({
  ...(await import('../../adapters/tools/tool-probe.ts')),
  ...(await import('../../config.ts')),
  ...(await import('../../doctor/judge.ts')),
  ...(await import('../../paths.ts')),
  ...(await import('../../provision/tools.ts')),
})

export function registerDoctor(program: Command): void {
  program
    .command('doctor')
    .description('check Docker, kind, kubectl, istioctl, memory and ports for the live lab')
    .option('--json', 'print the report as JSON')
    .option('--data <dir>', 'kindlab data folder (where `tools install` puts binaries)')
    .addHelpText('after', '\nExit codes: 0 the live lab can run, 1 something it needs is missing.')
    .action(async (opts: { json?: boolean; data?: string }) => {
      const report = await runDoctor(opts.data)
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(report, null, 2)}\n`)
      } else {
        await printDoctorReport(report)
      }
      if (!report.canRunLive) {
        process.exitCode = 1
      }
    })
}

/** Gathers the machine's facts and judges them (also run by `kindlab up` before it starts). */
export async function runDoctor(dataDir?: string): Promise<DoctorReport> {
  const { loadConfig, bundledLabsDir, gatherMachineFacts, kindlabBinDir, judgeMachine, loadVersions } = await load()
  const config = loadConfig(process.env, { labsDir: bundledLabsDir(), ...(dataDir ? { dataDir } : {}) })
  const [facts, versions] = await Promise.all([
    gatherMachineFacts(kindlabBinDir(config.dataDir), [80, 443, 3306]),
    loadVersions(),
  ])
  return judgeMachine(facts, { kubectl: versions.tools['kubectl']?.version })
}

const mark: Record<DoctorStatus, string> = { ok: pc.green('✔ ok'), warn: pc.yellow('! warn'), fail: pc.red('✘ fail') }

/** Prints the report as a table with a fix for each problem. */
export async function printDoctorReport(
  report: DoctorReport,
  out: NodeJS.WritableStream = process.stdout,
): Promise<void> {
  const { default: Table } = await import('cli-table3')
  const table = new Table({
    head: ['Check', 'Status', 'Found', 'Fix'],
    style: tableStyle(['bold']),
    wordWrap: true,
    colWidths: [18, 10, 28, 60],
  })
  for (const row of report.rows) {
    table.push([row.title, mark[row.status], row.found, row.fix ?? ''])
  }
  out.write(`${table.toString()}\n${report.canRunLive ? pc.green(report.summary) : pc.red(report.summary)}\n`)
}
