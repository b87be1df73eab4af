// The sandbox policy as a command line: what is shared with the host, and how.
import { describe, expect, it } from 'vitest'
import { bwrapArgs, SANDBOX_HOME, sandboxAccounts } from './bwrap-args.ts'

const layout = {
  workspaceDir: '/data/workspaces/s1',
  systemPaths: { '/usr': { kind: 'dir' }, '/bin': { kind: 'symlink', target: 'usr/bin' } },
  etcEntries: ['hosts', 'ld.so.cache'],
  passwdFile: '/state/passwd',
  groupFile: '/state/group',
} as const

/** [flag, source, destination] triples of the host paths mounted into the sandbox. */
function binds(args: string[], flag: string): [string, string][] {
  const found: [string, string][] = []
  args.forEach((arg, i) => {
    if (arg === flag) {
      found.push([args[i + 1] ?? '', args[i + 2] ?? ''])
    }
  })
  return found
}

describe('bwrapArgs', () => {
  it('mounts only the workspace writable, as HOME, and the system read-only', () => {
    const args = bwrapArgs(layout)
    expect(binds(args, '--bind')).toEqual([['/data/workspaces/s1', SANDBOX_HOME]])
    expect(binds(args, '--ro-bind')).toEqual([
      ['/usr', '/usr'],
      ['/etc/hosts', '/etc/hosts'],
      ['/etc/ld.so.cache', '/etc/ld.so.cache'],
      ['/state/passwd', '/etc/passwd'],
      ['/state/group', '/etc/group'],
    ])
    expect(binds(args, '--symlink')).toEqual([['usr/bin', '/bin']])
    expect(args.slice(-3)).toEqual(['--remount-ro', '/', '--'])
  })

  it('gives the shell new namespaces and an unprivileged uid, and dies with its parent', () => {
    const args = bwrapArgs({ ...layout, uid: 61001 })
    for (const flag of ['--unshare-user', '--unshare-pid', '--unshare-ipc', '--unshare-uts', '--unshare-net']) {
      expect(args).toContain(flag)
    }
    expect(args).toContain('--die-with-parent')
    expect(args.join(' ')).toContain('--uid 61001 --gid 61001')
    expect(args.join(' ')).toContain('--cap-drop ALL')
  })

  it('lists the trainee alone in the sandbox accounts', () => {
    expect(sandboxAccounts(61000)).toEqual({
      passwd: `trainee:x:61000:61000:kindlab trainee:${SANDBOX_HOME}:/bin/bash\n`,
      group: 'trainee:x:61000:\n',
    })
  })
})
