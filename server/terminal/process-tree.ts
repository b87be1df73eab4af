// Finds and signals every process that belongs to a shell's session, so closing a terminal leaves
// nothing behind. Linux reads /proc; elsewhere only the shell's process group is signalled.
import { readdirSync, readFileSync } from 'node:fs'

/**
 * Pids whose session id (field 6 of /proc/<pid>/stat) is `sid`. A shell started by node-pty is a
 * session leader, so this covers its jobs even in their own process groups (bash job control).
 * Processes that called setsid() themselves have left the session and are not found; zombies
 * (already dead, waiting to be reaped) are skipped.
 */
export function listSessionPids(sid: number): number[] {
  let entries: string[]
  try {
    entries = readdirSync('/proc')
  } catch {
    return []
  }
  const pids: number[] = []
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) {
      continue
    }
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
      // "pid (comm) state ppid pgrp session ..."; comm may contain spaces and parentheses.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      if (Number(fields[3]) === sid && fields[0] !== 'Z') {
        pids.push(Number(entry))
      }
    } catch {
      // the process exited while we looked
    }
  }
  return pids
}

function sendSignal(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(pid, signal)
    return true
  } catch {
    return false
  }
}

/** Signals the process group `sid` and every process in session `sid`. Returns how many were hit. */
export function signalSession(sid: number, signal: NodeJS.Signals): number {
  let hit = sendSignal(-sid, signal) ? 1 : 0
  for (const pid of listSessionPids(sid)) {
    if (sendSignal(pid, signal)) {
      hit++
    }
  }
  return hit
}

/** True while any live process of session `sid` exists (Linux; always false without /proc). */
export function isSessionAlive(sid: number): boolean {
  return listSessionPids(sid).length > 0
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * Ends every process of session `sid`: SIGHUP (what a closed terminal sends), then SIGKILL to what
 * is left after `graceMs`. Resolves once none is alive, or after a bounded wait.
 */
export async function reapSession(sid: number, graceMs = 1000): Promise<void> {
  signalSession(sid, 'SIGHUP')
  const deadline = Date.now() + graceMs
  while (isSessionAlive(sid) && Date.now() < deadline) {
    await sleep(25)
  }
  if (!isSessionAlive(sid)) {
    return
  }
  signalSession(sid, 'SIGKILL')
  const killDeadline = Date.now() + 2000
  while (isSessionAlive(sid) && Date.now() < killDeadline) {
    await sleep(25)
  }
}
