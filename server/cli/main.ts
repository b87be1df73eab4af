// The `kindlab` command line: parses arguments, runs one command, turns errors into one sentence
// plus a hint and an exit code. Stack traces only with --debug. Keep imports here light: every
// command loads its heavy modules lazily so `kindlab simulate` starts fast.
import { Command, CommanderError } from 'commander'
import { registerCommands } from './commands/index.ts'
import { printError } from './output.ts'
import { toAppError } from '../errors.ts'
import { VERSION } from './version.ts'

export async function runCli(argv: readonly string[]): Promise<number> {
  const program = new Command('kindlab')
    .description('Hands-on Kubernetes and Istio workshops with a grader that explains what is wrong.')
    .version(VERSION, '-V, --version')
    .option('--debug', 'print stack traces and debug logs', false)
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({ outputError: (str, write) => write(str) })
  program.addHelpText(
    'after',
    `
Exit codes:
  0   success
  1   a check or validation found problems (the learner's or author's input)
  2   usage error (unknown command or option)
  64+ the platform could not do what was asked (see the error's code)`,
  )
  registerCommands(program)
  try {
    await program.parseAsync(argv, { from: 'node' })
    return typeof process.exitCode === 'number' ? process.exitCode : 0
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end here with exit code 0; usage errors were already printed.
      return err.exitCode === 0 ? 0 : 2
    }
    const debug = Boolean(program.opts<{ debug?: boolean }>().debug)
    const appError = toAppError(err)
    printError(appError, debug)
    return appError.exitCode
  }
}
