// The command-check runner in a trainee's workspace pod, with client-node's real Exec against a
// loopback exec endpoint (exec-endpoint.test-helper.ts: kwok pods cannot exec), for both channel
// protocols the API server offers: exit codes from the status channel, stdout and stderr, the lab's
// variables, the local runner's time limit and output bound, and the errors that say why a command
// could not run. The endpoint runs the requested command line as a local process, so the script
// the runner sends (POD_COMMAND_SCRIPT) really runs in sh.
import { execFileSync } from 'node:child_process'
import { mkdtemp, rm, symlink } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { runShellCommand } from '../adapters/process/run-command.ts'
import type { CommandRunner } from '../checks/command-runner.ts'
import { createTextResourceSource } from '../checks/grader-input-files.ts'
import { prepareCheck } from '../checks/check-params.ts'
import { checkKinds } from '../checks/registry.ts'
import { runChecks } from '../checks/run-checks.ts'
import type { CheckContext } from '../checks/types.ts'
import { startExecEndpoint, type ChannelProtocol, type ExecEndpoint } from './exec-endpoint.test-helper.ts'
import { createPodCommandRunner, MAX_OUTPUT_BYTES } from './pod-command.ts'
import { createPodExec } from '../adapters/kube/pods.ts'
import { workspaceNotReady } from './workspace-pod.ts'

const target = { namespace: 'kl-class-trainee01', pod: 'workspace', container: 'shell' }
const vars = { LEARNER_NAMESPACE: 'kl-class-trainee01', TRAINEE_ID: 'trainee01', GREETING: 'two words' }

describe.each<ChannelProtocol>(['v5.channel.k8s.io', 'v4.channel.k8s.io'])('command runner in the pod (%s)', (p) => {
  let endpoint: ExecEndpoint
  let runner: CommandRunner
  beforeEach(async () => {
    endpoint = await startExecEndpoint(p)
    runner = createPodCommandRunner({
      exec: createPodExec(endpoint.kubeConfig()),
      workspace: () => Promise.resolve(target),
    })
  })
  afterEach(() => endpoint.close())

  it('runs the command in the workspace container without tty or stdin, with the lab variables, exit 0', async () => {
    const result = await runner.run('echo "$LEARNER_NAMESPACE/$GREETING"; [ -n "$BASH_VERSION" ] && echo bash', {
      timeoutMs: 5000,
      vars,
    })
    expect(result).toEqual({ exitCode: 0, output: 'kl-class-trainee01/two words\nbash', timedOut: false })
    const [request] = endpoint.requests
    expect(request).toMatchObject({ ...target, tty: false, stdin: false, protocol: p })
    expect(request?.command.slice(0, 2)).toEqual(['sh', '-c'])
  })

  it('reports a non-zero exit code from the status channel, with stdout and stderr captured', async () => {
    const result = await runner.run('echo out; echo err >&2; exit 3', { timeoutMs: 5000, vars })
    expect(result.exitCode).toBe(3)
    expect(result.timedOut).toBe(false)
    expect(result.output.split('\n').sort()).toEqual(['err', 'out'])
  })

  it('gives the same result as the local runner for the same commands', async () => {
    const commands = ['true', 'false', 'exit 42', 'printf "no newline"', 'printf "a\\nb\\n\\n"', 'echo "$TRAINEE_ID"']
    for (const command of commands) {
      const local = await runShellCommand(command, {
        cwd: '/tmp',
        env: { PATH: '/usr/bin:/bin', ...vars },
        timeoutMs: 5000,
      })
      expect(await runner.run(command, { timeoutMs: 5000, vars }), command).toEqual(local)
    }
  })

  it('stops waiting at the time limit (exit 124, timed out), and the pod kills the command itself', async () => {
    const started = Date.now()
    const result = await runner.run('echo started; sleep 30 | cat', { timeoutMs: 1000, vars })
    expect(result).toEqual({ exitCode: 124, output: 'started', timedOut: true })
    expect(Date.now() - started).toBeLessThan(3000)
    // Closing the stream does not stop a process in a container: the script's watchdog does (SIGKILL).
    expect(await endpoint.exits[0]).toBe(137)
    expect(Date.now() - started).toBeLessThan(8000)
  })

  it('stops reading after the local runner’s output bound: exit 1, the first 256 KiB', async () => {
    const result = await runner.run('head -c 400000 /dev/zero | tr "\\0" x; echo never-seen', {
      timeoutMs: 5000,
      vars,
    })
    expect(result.exitCode).toBe(1)
    expect(result.timedOut).toBe(false)
    expect(result.output).toHaveLength(MAX_OUTPUT_BYTES)
    expect(result.output).toMatch(/^x+$/)
  })

  it('says so when the exec is refused or unanswered, the stream ends without a status, or the command cannot start', async () => {
    endpoint.behave({ type: 'refuse', status: 400, message: 'container shell is not valid' })
    await expect(runner.run('true', { timeoutMs: 5000, vars })).rejects.toMatchObject({
      code: 'LAB_ERR_CHECK_FAILED_TO_RUN',
      message: `Your workspace pod ${target.namespace}/workspace did not accept the command (the exec request failed).`,
      hint: expect.stringContaining('press Check again') as unknown,
    })
    endpoint.behave({ type: 'hang-up' })
    await expect(runner.run('true', { timeoutMs: 5000, vars })).rejects.toMatchObject({
      code: 'LAB_ERR_CHECK_FAILED_TO_RUN',
      message: expect.stringContaining('closed before the command reported its exit code') as unknown,
    })
    endpoint.behave({ type: 'stall' })
    await expect(runner.run('true', { timeoutMs: 500, vars })).rejects.toMatchObject({
      code: 'LAB_ERR_CHECK_FAILED_TO_RUN',
      message: `Your workspace pod ${target.namespace}/workspace did not accept the command within 0.5 s.`,
    })
    const internal = { message: 'OCI runtime exec failed: exec: "sh": executable file not found in $PATH' }
    endpoint.behave({
      type: 'status',
      status: { metadata: {}, status: 'Failure', reason: 'InternalError', ...internal },
    })
    await expect(runner.run('true', { timeoutMs: 5000, vars })).rejects.toMatchObject({
      code: 'LAB_ERR_CHECK_FAILED_TO_RUN',
      message: `The command could not be started in your workspace pod ${target.namespace}/workspace: ${internal.message}`,
    })
  })
})

describe('a workspace image without bash', () => {
  let dir: string
  let endpoint: ExecEndpoint
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kindlab-nobash-'))
    for (const tool of ['sh', 'sleep', 'setsid']) {
      await symlink(execFileSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).trim(), join(dir, tool))
    }
    endpoint = await startExecEndpoint('v5.channel.k8s.io', dir)
  })
  afterEach(async () => {
    await endpoint.close()
    await rm(dir, { recursive: true, force: true })
  })

  it('runs the command with sh, and still kills it (and its children) at the time limit', async () => {
    const runner = createPodCommandRunner({
      exec: createPodExec(endpoint.kubeConfig()),
      workspace: () => Promise.resolve(target),
    })
    const result = await runner.run('echo "${BASH_VERSION:-sh} $GREETING"; exit 5', { timeoutMs: 5000, vars })
    expect(result).toEqual({ exitCode: 5, output: 'sh two words', timedOut: false })
    // dash does not exec the last command of a list: `sleep` is the shell's child, killed with its group.
    const slow = await runner.run('sleep 30; echo never', { timeoutMs: 1000, vars })
    expect(slow).toMatchObject({ exitCode: 124, timedOut: true })
    expect(await endpoint.exits[1]).toBe(137)
  })
})

describe('a command check in the pod', () => {
  let endpoint: ExecEndpoint
  beforeEach(async () => (endpoint = await startExecEndpoint('v5.channel.k8s.io')))
  afterEach(() => endpoint.close())

  /** A trainee's check context: the pod runner in services; the server's local runner must not run. */
  function context(runner: CommandRunner): CheckContext {
    return {
      labId: 'lab',
      stepIndex: 0,
      workspaceDir: '/tmp',
      vars,
      runCommand: () => Promise.reject(new Error('the server must not run a trainee’s command')),
      readWorkspaceFile: () => Promise.resolve(undefined),
      services: { resources: createTextResourceSource([], 'no resources'), commandRunner: runner },
    }
  }

  const check = (run: string, expectOutput?: string, id = 'c') =>
    prepareCheck(checkKinds, { id, kind: 'command', run, timeoutSec: 5, ...(expectOutput ? { expectOutput } : {}) })

  it('judges the pod’s result with the same rules as a local one', async () => {
    const runner = createPodCommandRunner({
      exec: createPodExec(endpoint.kubeConfig()),
      workspace: () => Promise.resolve(target),
    })
    const [ok, wrong, failed] = await runChecks(checkKinds, {
      checks: [
        check('echo "ns=$LEARNER_NAMESPACE"', '^ns=kl-class-trainee01$', 'ok'),
        check('echo "ns=$LEARNER_NAMESPACE"', '^ns=default$', 'wrong'),
        check('echo nope >&2; exit 2', undefined, 'failed'),
      ],
      context: context(runner),
      failuresBefore: () => 0,
    })
    expect(ok).toMatchObject({ passed: true, output: 'ns=kl-class-trainee01' })
    expect(wrong).toMatchObject({
      passed: false,
      message: expect.stringContaining('its output is not what the step asks for') as unknown,
    })
    // A regex is never shown raw: it would give the answer away.
    expect(wrong?.message).not.toContain('^ns=default$')
    expect(failed).toMatchObject({
      passed: false,
      message: expect.stringContaining('exited with code 2') as unknown,
      output: 'nope',
    })
  })

  it('fails with the reason and a hint when the workspace pod is not ready, and execs nothing', async () => {
    const runner = createPodCommandRunner({
      exec: createPodExec(endpoint.kubeConfig()),
      workspace: () => Promise.reject(workspaceNotReady(`${target.namespace}/workspace`, 'is Pending')),
    })
    const [result] = await runChecks(checkKinds, {
      checks: [check('kubectl get vs')],
      context: context(runner),
      failuresBefore: () => 0,
    })
    expect(result).toMatchObject({
      passed: false,
      status: 'unverified',
      message: `The check could not run: Your workspace is not ready yet: the pod ${target.namespace}/workspace is Pending.`,
      hint: expect.stringContaining('press Check again in a few seconds') as unknown,
    })
    expect(endpoint.requests).toEqual([])
  })
})
