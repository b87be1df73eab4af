// Paired grader benchmark (`tsx bench/grader-pair.ts --data DIR --baseline OLD`): one trainee's
// check (parse + translate + analyze + 8 requests) of this tree and of another checkout of kindlab
// (OLD, e.g. `git archive <commit> | tar -x -C OLD` with node_modules linked), in turn in one
// process, on the inputs `bench/grader.ts --data DIR` wrote. Checks that both give the same
// result, then prints min and median of wall and CPU time for each and of the pair-by-pair ratio:
// pairing keeps the ratio meaningful when other work on the machine changes its speed.
import { readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { performance } from 'node:perf_hooks'
import { pathToFileURL } from 'node:url'
import { analyzeConfig } from '../server/grader/core/index.ts'
import { parseResources } from '../server/grader/core/model/index.ts'
import type { SimRequest } from '../server/grader/core/simulate/request.ts'

interface Grader {
  analyzeConfig: typeof analyzeConfig
  parseResources: typeof parseResources
}

function flag(name: string): string {
  const at = process.argv.indexOf(name)
  const value = at >= 0 ? process.argv[at + 1] : undefined
  if (value === undefined) {
    throw new Error(`usage: tsx bench/grader-pair.ts --data DIR --baseline OLD (missing ${name})`)
  }
  return resolve(value)
}

async function main(): Promise<void> {
  const data = flag('--data')
  const old = flag('--baseline')
  const core = (await import(pathToFileURL(join(old, 'server/grader/core/index.ts')).href)) as Grader
  const model = (await import(pathToFileURL(join(old, 'server/grader/core/model/index.ts')).href)) as Grader
  const text = `${readFileSync(join(data, 'resources/trainee-07.yaml'), 'utf8')}---\n${readFileSync(join(data, 'resources/00-ingress.yaml'), 'utf8')}`
  const all = JSON.parse(readFileSync(join(data, 'requests.json'), 'utf8')) as SimRequest[]
  const requests = all.slice(0, 8).map((r) => ({ ...r, host: r.host?.replace(/trainee-\d+/, 'trainee-07') }))
  const checks = {
    this: () => analyzeConfig({ model: parseResources(text, { file: 'trainee-07.yaml' }), requests }),
    baseline: () => core.analyzeConfig({ model: model.parseResources(text, { file: 'trainee-07.yaml' }), requests }),
  }
  if (JSON.stringify(checks.this()) !== JSON.stringify(checks.baseline())) {
    throw new Error('the two trees give different results for the same check')
  }
  const time = (check: () => unknown): [number, number] => {
    const cpu = process.cpuUsage()
    const start = performance.now()
    check()
    const wall = performance.now() - start
    const used = process.cpuUsage(cpu)
    return [wall, (used.user + used.system) / 1000]
  }
  const rows: Record<string, number[]> = {}
  const add = (k: string, v: number): void => {
    ;(rows[k] ??= []).push(v)
  }
  for (let i = 0; i < 250; i++) {
    const [w, c] = time(checks.this)
    const [bw, bc] = time(checks.baseline)
    if (i >= 50) {
      add('this wall ms', w)
      add('baseline wall ms', bw)
      add('this CPU ms', c)
      add('baseline CPU ms', bc)
      add('ratio wall', w / bw)
      add('ratio CPU', c / bc)
    }
  }
  for (const [k, v] of Object.entries(rows)) {
    v.sort((a, b) => a - b)
    const median = v[Math.floor(v.length / 2)] ?? 0
    process.stdout.write(`${k.padEnd(18)} min ${(v[0] ?? 0).toFixed(3)}  median ${median.toFixed(3)}\n`)
  }
}

await main()
