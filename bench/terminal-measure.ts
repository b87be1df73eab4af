// The two terminal measurements, identical for every server: `cat` of a large file until an end
// marker arrives (throughput), and single keystrokes at a bash prompt until their echo arrives.
import type { BenchClient } from './terminal-clients.ts'

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

/** Waits until the shell answers, so the measurements start at an idle prompt. */
export async function waitForShell(client: BenchClient, timeoutMs = 15_000): Promise<void> {
  const ready = client.screen.waitFor('SHELL-READY', timeoutMs)
  // The quotes keep the typed command's own echo from matching.
  client.type(`echo SHELL-"READY"\r`)
  await ready
  await sleep(200)
}

/** MiB/s of `fileBytes` for one `cat file; echo <marker>`; `id` makes the marker unique. */
export async function measureThroughput(
  client: BenchClient,
  file: string,
  fileBytes: number,
  id: string,
  timeoutMs = 180_000,
): Promise<number> {
  const done = client.screen.waitFor(`CAT-DONE-${id}`, timeoutMs)
  const start = performance.now()
  client.type(`cat '${file}'; echo CAT-"DONE"-${id}\r`)
  await done
  const seconds = (performance.now() - start) / 1000
  await sleep(300)
  return fileBytes / (1024 * 1024) / seconds
}

/** Milliseconds from sending each of `keys` keystrokes to receiving its echo, typed at the prompt. */
export async function measureEcho(client: BenchClient, keys: number, timeoutMs = 2000): Promise<number[]> {
  const letters = 'abcdefghijklmnopqrstuvwxyz'
  const samples: number[] = []
  for (let i = 0; i < keys; i++) {
    const ch = letters[i % letters.length]!
    const echoed = client.screen.waitFor(ch, timeoutMs, true)
    const start = performance.now()
    client.type(ch)
    await echoed
    samples.push(performance.now() - start)
  }
  const cleared = client.screen.waitFor('', timeoutMs, true)
  client.type('\x15') // Ctrl-U: clear the line so it never wraps
  await cleared
  await sleep(20)
  return samples
}

/** Nearest-rank percentile (p in 0..100) of unsorted samples. */
export function percentile(samples: readonly number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b)
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))
  return sorted[rank] ?? Number.NaN
}
