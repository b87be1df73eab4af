// Pure: builds the bubblewrap (bwrap) command line that confines one trainee's shell. No I/O; the
// caller says which host paths exist (sandbox/bwrap.ts). Kept pure so the policy is easy to read.

/** Where the trainee's workspace appears inside the sandbox (their HOME). */
export const SANDBOX_HOME = '/home/trainee'
/** The unprivileged uid/gid a trainee's shell has inside its user namespace. */
export const SANDBOX_UID = 61000
export const SANDBOX_USER = 'trainee'

/**
 * Files and folders of the host's /etc a shell needs (dynamic linker, name service switch, shell
 * start-up files, terminal database, CA certificates, time zone). Everything else of /etc (shadow,
 * ssh keys, /etc/ssl/private, the server's own settings) stays out. Nothing listed may hold a file
 * that others cannot read: when the server runs as root, the sandbox is root outside its user
 * namespace (without capabilities), so owner-only root files would be readable inside.
 */
export const ETC_ALLOW_LIST = [
  'alternatives',
  'bash.bashrc',
  'ca-certificates',
  'host.conf',
  'hosts',
  'inputrc',
  'ld.so.cache',
  'ld.so.conf',
  'ld.so.conf.d',
  'localtime',
  'mime.types',
  'nsswitch.conf',
  'profile',
  'profile.d',
  'ssl/certs',
  'ssl/openssl.cnf',
  'terminfo',
  'timezone',
  'vim',
] as const

/** How a top-level system path looks on the host: a symlink (usr-merge) or a real folder. */
export type HostPath = { kind: 'symlink'; target: string } | { kind: 'dir' }

export interface SandboxLayout {
  /** The trainee's workspace on the host; the only writable host folder in the sandbox. */
  workspaceDir: string
  /** Top-level system paths (/usr, /bin, /lib, /lib64, /sbin, ...) that exist on the host. */
  systemPaths: Readonly<Record<string, HostPath>>
  /** The entries of {@link ETC_ALLOW_LIST} that exist on the host. */
  etcEntries: readonly string[]
  /** Host files holding the sandbox's own /etc/passwd and /etc/group (one trainee line each). */
  passwdFile: string
  groupFile: string
  /** uid and gid inside the sandbox. @default SANDBOX_UID */
  uid?: number
}

/**
 * The bwrap arguments up to and including `--`; append the shell and its arguments. New user, PID,
 * IPC, UTS, network and cgroup namespaces; a read-only system; a private /tmp; the workspace as HOME;
 * the root made read-only last. `--die-with-parent` plus the PID namespace make the whole sandbox
 * die with its bwrap process, `setsid` and double-forked children included.
 *
 * Not `--new-session`: it takes the controlling terminal away, so Ctrl-C and job control stop
 * working. The pty belongs to this sandbox alone, so a TIOCSTI injection can only type into the
 * trainee's own shell.
 */
export function bwrapArgs(layout: SandboxLayout): string[] {
  const uid = String(layout.uid ?? SANDBOX_UID)
  const args = [
    '--unshare-user',
    '--uid',
    uid,
    '--gid',
    uid,
    '--unshare-pid',
    '--unshare-ipc',
    '--unshare-uts',
    '--unshare-net',
    '--unshare-cgroup-try',
    '--die-with-parent',
    '--cap-drop',
    'ALL',
    '--hostname',
    'kindlab',
  ]
  for (const [path, host] of Object.entries(layout.systemPaths).sort(([a], [b]) => a.localeCompare(b))) {
    args.push(...(host.kind === 'symlink' ? ['--symlink', host.target, path] : ['--ro-bind', path, path]))
  }
  args.push('--proc', '/proc', '--dev', '/dev', '--tmpfs', '/tmp', '--dir', '/var/tmp', '--dir', '/etc')
  for (const entry of [...layout.etcEntries].sort()) {
    args.push('--ro-bind', `/etc/${entry}`, `/etc/${entry}`)
  }
  args.push('--ro-bind', layout.passwdFile, '/etc/passwd', '--ro-bind', layout.groupFile, '/etc/group')
  args.push('--dir', '/home', '--bind', layout.workspaceDir, SANDBOX_HOME, '--chdir', SANDBOX_HOME)
  args.push('--setenv', 'HOME', SANDBOX_HOME, '--setenv', 'USER', SANDBOX_USER, '--setenv', 'LOGNAME', SANDBOX_USER)
  args.push('--remount-ro', '/', '--')
  return args
}

/** The sandbox's /etc/passwd and /etc/group: the trainee and nobody else. */
export function sandboxAccounts(uid: number = SANDBOX_UID): { passwd: string; group: string } {
  return {
    passwd: `${SANDBOX_USER}:x:${uid}:${uid}:kindlab trainee:${SANDBOX_HOME}:/bin/bash\n`,
    group: `${SANDBOX_USER}:x:${uid}:\n`,
  }
}
