// Runs kubectl's own manifest decoder (test/cluster/go/kubernetes/yamlref) over many files in one
// process: one JSON line in (the file's text), one JSON line out (its documents, or kubectl's error).
import { spawn } from 'node:child_process'
import { createInterface } from 'node:readline'

/** What kubectl makes of one file: the JSON of each document it would send, or where it stops. */
export interface KubectlDecoding {
  docs: unknown[]
  error?: string
}

/** Decodes every text with the Go reference; the answers come back in the same order. */
export function decodeWithKubectl(binary: string, texts: readonly string[]): Promise<KubectlDecoding[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, [], { stdio: ['pipe', 'pipe', 'pipe'] })
    const out: KubectlDecoding[] = []
    let stderr = ''
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk
    })
    createInterface({ input: child.stdout }).on('line', (line) => {
      out.push(JSON.parse(line) as KubectlDecoding)
    })
    child.on('error', reject)
    child.on('close', (code) => {
      if (code !== 0 || out.length !== texts.length) {
        reject(new Error(`yamlref exited ${code} after ${out.length} of ${texts.length} answers: ${stderr}`))
      } else {
        resolve(out)
      }
    })
    child.stdin.end(texts.map((t) => `${JSON.stringify(t)}\n`).join(''))
  })
}

/** JSON with sorted keys, so that key order (random in Go maps) never counts. */
export function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
        )
      : v,
  )
}
