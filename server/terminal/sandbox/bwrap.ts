// Adapter for bubblewrap: finds /usr/bin/bwrap, checks once that it can create its namespaces on
// this machine, and turns a shell into the same shell confined to one trainee's workspace. Failures
// become a reason string; callers refuse the terminal with it (never an unconfined shell).
import { spawnSync } from 'node:child_process'
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readlinkSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { isExecutable, type ShellCommand } from '../spawn-shell.ts'
import {
  bwrapArgs,
  ETC_ALLOW_LIST,
  SANDBOX_UID,
  sandboxAccounts,
  type HostPath,
  type SandboxLayout,
} from './bwrap-args.ts'

const SYSTEM_PATHS = ['/usr', '/bin', '/sbin', '/lib', '/lib32', '/lib64', '/libx32']

export interface TraineeSandbox {
  /** Why sandboxed shells cannot start here (checked once, then remembered), or undefined. */
  unavailableReason(): string | undefined
  /** `shell`, run inside a sandbox whose only writable host folder is `workspaceDir`. */
  wrap(shell: ShellCommand, workspaceDir: string): ShellCommand
}

export interface TraineeSandboxOptions {
  /** @default the first of /usr/bin/bwrap, /bin/bwrap that is executable */
  bwrapPath?: string
  /** Where the sandbox's passwd and group files are written. @default a new folder in the OS temp dir */
  stateDir?: string
}

function hostPath(path: string): HostPath | undefined {
  try {
    const stat = lstatSync(path)
    if (stat.isSymbolicLink()) {
      return { kind: 'symlink', target: readlinkSync(path) }
    }
    return stat.isDirectory() ? { kind: 'dir' } : undefined
  } catch {
    return undefined
  }
}

function systemPaths(): Record<string, HostPath> {
  const found: Record<string, HostPath> = {}
  for (const path of SYSTEM_PATHS) {
    const host = hostPath(path)
    if (host) {
      found[path] = host
    }
  }
  return found
}

/** The inside uid: never the server's own. */
function sandboxUid(): number {
  return process.getuid?.() === SANDBOX_UID ? SANDBOX_UID + 1 : SANDBOX_UID
}

export function createTraineeSandbox(options: TraineeSandboxOptions = {}): TraineeSandbox {
  const bwrap = options.bwrapPath ?? ['/usr/bin/bwrap', '/bin/bwrap'].find(isExecutable)
  const uid = sandboxUid()
  let layoutBase: Omit<SandboxLayout, 'workspaceDir'> | undefined
  let reason: string | undefined | null = null

  const base = (): Omit<SandboxLayout, 'workspaceDir'> => {
    if (layoutBase === undefined) {
      const dir = options.stateDir ?? mkdtempSync(join(tmpdir(), 'kindlab-sandbox-'))
      mkdirSync(dir, { recursive: true })
      const accounts = sandboxAccounts(uid)
      writeFileSync(join(dir, 'passwd'), accounts.passwd, { mode: 0o644 })
      writeFileSync(join(dir, 'group'), accounts.group, { mode: 0o644 })
      layoutBase = {
        systemPaths: systemPaths(),
        etcEntries: ETC_ALLOW_LIST.filter((entry) => existsSync(`/etc/${entry}`)),
        passwdFile: join(dir, 'passwd'),
        groupFile: join(dir, 'group'),
        uid,
      }
    }
    return layoutBase
  }

  const probe = (): string | undefined => {
    if (bwrap === undefined) {
      return 'bubblewrap (bwrap) is not installed'
    }
    try {
      const layout = base()
      const workspaceDir = mkdtempSync(join(tmpdir(), 'kindlab-sandbox-probe-'))
      const run = spawnSync(bwrap, [...bwrapArgs({ ...layout, workspaceDir }), '/bin/sh', '-c', 'exit 0'], {
        encoding: 'utf8',
        timeout: 10_000,
        env: { PATH: '/usr/bin:/bin' },
      })
      rmSync(workspaceDir, { recursive: true, force: true })
      if (run.error) {
        return `bwrap could not run (${run.error.message})`
      }
      if (run.status !== 0) {
        const why = run.stderr.trim().split('\n')[0] ?? ''
        return `bwrap cannot create its namespaces here${why ? ` (${why})` : ''}`
      }
      return undefined
    } catch (err) {
      return `the sandbox could not be prepared (${err instanceof Error ? err.message : String(err)})`
    }
  }

  return {
    unavailableReason() {
      if (reason === null) {
        reason = probe()
      }
      return reason
    },
    wrap(shell, workspaceDir) {
      if (bwrap === undefined) {
        throw new Error('bubblewrap is not installed')
      }
      return { file: bwrap, args: [...bwrapArgs({ ...base(), workspaceDir }), shell.file, ...shell.args] }
    },
  }
}
