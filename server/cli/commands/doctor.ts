// `kindlab doctor`: checks what the live lab needs and prints a table with a fix for each problem.
import type { Command } from 'commander'

export function registerDoctor(program: Command): void {
  program
    .command('doctor')
    .description('check Docker, kind, kubectl, istioctl, memory and ports for the live lab')
    .option('--json', 'print the report as JSON')
    .option('--data <dir>', 'kindlab data folder (where `tools install` puts binaries)')
    .addHelpText('after', '\nExit codes: 0 the live lab can run, 1 something it needs is missing.')
    .action(async (opts: { json?: boolean; data?: string }) => {
      const { runDoctor, printDoctorReport } = await import('../doctor-cli.ts')
      const report = await runDoctor(opts.data)
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(report, null, 2)}\n`)
      } else {
        printDoctorReport(report)
      }
      if (!report.canRunLive) {
        process.exitCode = 1
      }
    })
}
