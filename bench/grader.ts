// Grader benchmark (`npm run bench:grader`, i.e. `tsx bench/grader.ts`): generates a cohort's
// configuration (50 trainees × 2 Gateways × 40 VirtualServices with Services and
// DestinationRules, ~6,100 resources) plus 1,000 requests, times the built CLI
// `node bin/kindlab.js simulate` end to end, and times one trainee's check in-process.
// Targets: whole run < 1 s including Node start-up; one trainee's check < 10 ms.
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { availableParallelism, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'
import { analyzeConfig } from '../server/grader/core/index.ts'
import { parseResources } from '../server/grader/core/model/index.ts'
import type { SimRequest } from '../server/grader/core/simulate/request.ts'

const TRAINEES = 50
const APPS = 20 // per Gateway: 2 Gateways × 20 = 40 VirtualServices per trainee
const REQUESTS = 1000
const RUNS = 7
const root = fileURLToPath(new URL('..', import.meta.url))

function traineeYaml(t: number): string {
  const ns = `trainee-${String(t).padStart(2, '0')}`
  const domain = `${ns}.example.com`
  const docs: string[] = []
  const hosts = (kind: string) => Array.from({ length: APPS }, (_, i) => `${kind}-${i}.${domain}`)
  docs.push(
    `apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata: {name: web, namespace: ${ns}}\nspec:\n  selector: {istio: ingressgateway}\n  servers:\n  - port: {number: 80, name: http, protocol: HTTP}\n    hosts: [${hosts('app').join(', ')}]`,
  )
  docs.push(
    `apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata: {name: secure, namespace: ${ns}}\nspec:\n  selector: {istio: ingressgateway}\n  servers:\n  - port: {number: 443, name: https, protocol: HTTPS}\n    hosts: [${hosts('secure').join(', ')}]\n    tls: {mode: SIMPLE, credentialName: ${ns}-cert}`,
  )
  for (const [kind, gw] of [
    ['app', 'web'],
    ['secure', 'secure'],
  ] as const) {
    for (let i = 0; i < APPS; i++) {
      const svc = `${kind}-${i}`
      docs.push(
        `apiVersion: v1\nkind: Service\nmetadata: {name: ${svc}, namespace: ${ns}}\nspec:\n  selector: {app: ${svc}}\n  ports: [{name: http, port: 80, targetPort: 8080}]`,
      )
      docs.push(
        `apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: {name: ${svc}, namespace: ${ns}}\nspec:\n  host: ${svc}\n  subsets: [{name: v1, labels: {version: v1}}, {name: v2, labels: {version: v2}}]`,
      )
      docs.push(
        `apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: ${svc}, namespace: ${ns}}\nspec:\n  hosts: [${svc}.${domain}]\n  gateways: [${gw}]\n  http:\n` +
          `  - match: [{uri: {prefix: /api}, headers: {x-canary: {exact: "1"}}}]\n    route: [{destination: {host: ${svc}, subset: v2}}]\n` +
          `  - match: [{uri: {prefix: /api}}]\n    rewrite: {uri: /}\n    route: [{destination: {host: ${svc}, subset: v1}, weight: 90}, {destination: {host: ${svc}, subset: v2}, weight: 10}]\n` +
          `  - route: [{destination: {host: ${svc}}}]`,
      )
    }
  }
  return `${docs.join('\n---\n')}\n`
}

const ingress = `apiVersion: v1\nkind: Service\nmetadata: {name: istio-ingressgateway, namespace: istio-system}\nspec:\n  selector: {istio: ingressgateway}\n  ports: [{name: http2, port: 80, targetPort: 8080}, {name: https, port: 443, targetPort: 8443}]\n`

function requests(n: number): SimRequest[] {
  const out: SimRequest[] = []
  for (let i = 0; i < n; i++) {
    const t = `trainee-${String(i % TRAINEES).padStart(2, '0')}`
    const app = i % APPS
    const variant = i % 4
    if (variant === 0) {
      out.push({ port: 8080, host: `app-${app}.${t}.example.com`, path: '/api/items', headers: { 'x-canary': '1' } })
    } else if (variant === 1) {
      out.push({ port: 8443, host: `secure-${app}.${t}.example.com`, path: '/', tls: true })
    } else if (variant === 2) {
      out.push({ port: 8080, host: `missing-${app}.${t}.example.com`, path: '/' })
    } else {
      out.push({ port: 80, host: `app-${app}.${t}.example.com`, path: '/' })
    }
  }
  return out
}

function stats(ms: number[]): string {
  const s = [...ms].sort((a, b) => a - b)
  const median = s[Math.floor(s.length / 2)] ?? 0
  return `min ${s[0]?.toFixed(1)} ms, median ${median.toFixed(1)} ms, max ${s[s.length - 1]?.toFixed(1)} ms`
}

/** Writes the benchmark's resources folder and requests file into `dir`. */
function writeData(dir: string): { resources: string; requestsFile: string } {
  const resources = join(dir, 'resources')
  mkdirSync(resources, { recursive: true })
  writeFileSync(join(resources, '00-ingress.yaml'), ingress)
  for (let t = 0; t < TRAINEES; t++) {
    writeFileSync(join(resources, `trainee-${String(t).padStart(2, '0')}.yaml`), traineeYaml(t))
  }
  const requestsFile = join(dir, 'requests.json')
  writeFileSync(requestsFile, JSON.stringify(requests(REQUESTS)))
  return { resources, requestsFile }
}

function main(): void {
  // `--data DIR` only writes the inputs, to time the CLI with other tools (e.g. /usr/bin/time).
  const dataAt = process.argv.indexOf('--data')
  if (dataAt >= 0) {
    const target = process.argv[dataAt + 1]
    if (!target) {
      throw new Error('--data needs a folder')
    }
    const { resources, requestsFile } = writeData(target)
    process.stdout.write(`wrote ${resources} and ${requestsFile}\n`)
    return
  }
  const dir = mkdtempSync(join(tmpdir(), 'kindlab-bench-'))
  const { resources, requestsFile } = writeData(dir)
  const count = 1 + TRAINEES * (2 + 2 * APPS * 3)
  if (!existsSync(join(root, 'dist/kindlab.js'))) {
    execFileSync(process.execPath, [join(root, 'scripts/build.mjs')], { stdio: 'inherit' })
  }
  // The child reports its own CPU time (user + system) on exit: a figure that, unlike wall time,
  // hardly moves when other processes compete for the cores.
  const cpuHook =
    'data:text/javascript,process.on("exit",()=>{const u=process.cpuUsage();process.stderr.write("\\ncpu-ms:"+(u.user+u.system)/1000+"\\n")})'
  const args = [
    '--import',
    cpuHook,
    join(root, 'bin/kindlab.js'),
    'simulate',
    '-r',
    resources,
    '--requests',
    requestsFile,
    '--json',
  ]
  const wall: number[] = []
  const cpu: number[] = []
  let bytes = 0
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now()
    const res = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 30 })
    wall.push(performance.now() - start)
    if (res.status !== 0 && res.status !== 1) {
      throw new Error(`kindlab simulate failed (${res.status}): ${res.stderr}`)
    }
    cpu.push(Number(/cpu-ms:([\d.]+)/.exec(res.stderr)?.[1] ?? NaN))
    bytes = res.stdout.length
  }
  const node = Array.from({ length: 3 }, () => {
    const start = performance.now()
    spawnSync(process.execPath, ['-e', '0'])
    return performance.now() - start
  })
  const one = traineeYaml(7) + '---\n' + ingress
  const oneRequests = requests(8).map((r) => ({ ...r, host: r.host?.replace(/trainee-\d+/, 'trainee-07') }))
  const inProcess: number[] = []
  const inProcessCpu: number[] = []
  for (let i = 0; i < 250; i++) {
    const start = performance.now()
    const cpuStart = process.cpuUsage()
    analyzeConfig({ model: parseResources(one, { file: 'trainee-07.yaml' }), requests: oneRequests })
    const cpuUsed = process.cpuUsage(cpuStart)
    inProcess.push(performance.now() - start)
    inProcessCpu.push((cpuUsed.user + cpuUsed.system) / 1000)
  }
  rmSync(dir, { recursive: true, force: true })
  process.stdout.write(
    [
      `grader benchmark: ${count} resources (${TRAINEES} trainees × 2 Gateways × ${2 * APPS} VirtualServices, Services, DestinationRules), ${REQUESTS} requests`,
      `load average ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')} on ${String(availableParallelism())} cores`,
      `kindlab simulate --json (whole process, ${RUNS} runs): wall ${stats(wall)}; output ${(bytes / 1e6).toFixed(1)} MB   [target < 1000 ms]`,
      `                                  CPU time of that process: ${stats(cpu)}`,
      `node -e 0 (start-up alone):                      ${stats(node)}`,
      `one trainee's check in-process (parse ${one.length} bytes + translate + analyze + 8 requests): ${stats(inProcess.slice(50))}   [target < 10 ms]`,
      `                                  CPU time of one check (this process, GC included): ${stats(inProcessCpu.slice(50))}`,
      '',
    ].join('\n'),
  )
}

main()
