// Runs the doctor for the CLI and prints its table.
import Table from 'cli-table3'
import { pc, tableStyle } from './colors.ts'
import { gatherMachineFacts, kindlabBinDir } from '../adapters/tools/tool-probe.ts'
import { loadConfig } from '../config.ts'
import { judgeMachine, type DoctorReport, type DoctorStatus } from '../doctor/judge.ts'
import { bundledLabsDir } from '../paths.ts'
import { loadVersions } from '../provision/tools.ts'

export async function runDoctor(dataDir?: string): Promise<DoctorReport> {
  const config = loadConfig(process.env, { labsDir: bundledLabsDir(), ...(dataDir ? { dataDir } : {}) })
  const [facts, versions] = await Promise.all([
    gatherMachineFacts(kindlabBinDir(config.dataDir), [80, 443, 3306]),
    loadVersions(),
  ])
  return judgeMachine(facts, { kubectl: versions.tools['kubectl']?.version })
}

const mark: Record<DoctorStatus, string> = { ok: pc.green('✔ ok'), warn: pc.yellow('! warn'), fail: pc.red('✘ fail') }

export function printDoctorReport(report: DoctorReport, out: NodeJS.WritableStream = process.stdout): void {
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
