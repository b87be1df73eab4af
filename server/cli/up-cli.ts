// The `up` flow: doctor → (provision when the machine can) → serve. Offline fallback with a
// banner that names exactly what is missing.
import pc from 'picocolors'
import { printDoctorReport, runDoctor } from './doctor-cli.ts'
import { serveForeground } from './serve-cli.ts'
import type { UpFlags } from './commands/up.ts'

export async function runUp(flags: UpFlags): Promise<void> {
  process.stdout.write(pc.bold('Checking this machine for the live lab…\n'))
  const report = await runDoctor(flags.data)
  printDoctorReport(report)
  if (!report.canRunLive) {
    process.stdout.write(`${pc.yellow('Starting in offline mode')}: the labs and terminal work, checks grade your workspace files.\n`)
    await serveForeground(flags, { offline: true, offlineReason: report.summary })
    return
  }
  await serveForeground(flags, { offline: true, offlineReason: 'Provisioning is not available in this version yet.' })
}
