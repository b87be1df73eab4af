// YAML reader benchmark (`tsx bench/yaml-reader.ts`): times kindlab's reader (kubectl's semantics,
// server/grader/core/yaml) as kindlab runs it (fast path first), its full reader alone (the `yaml`
// package's tree + go-yaml rules, `fastPath: false`) and plain `yaml` package parsing, on (1) one
// trainee's files, the flagship lab's solution manifests, and (2) a large trainee: 40
// VirtualServices with Services and DestinationRules (~33 KB). Budget: one trainee's files read in
// under 10 ms. Prints figures only, and how many documents each reader read.
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'
import { parseAllDocuments } from 'yaml'
import { readKubeYaml } from '../server/grader/core/yaml/kube-yaml.ts'

const root = fileURLToPath(new URL('..', import.meta.url))

function yamlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? yamlFiles(path) : /\.ya?ml$/.test(name) ? [path] : []
  })
}

function largeTrainee(): string {
  const docs: string[] = []
  for (let i = 0; i < 40; i++) {
    const svc = `app-${i}`
    docs.push(
      `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${svc}\n  namespace: trainee-07\nspec:\n  selector:\n    app: ${svc}\n  ports:\n  - name: http\n    port: 80\n    targetPort: 8080\n`,
      `apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: {name: ${svc}, namespace: trainee-07}\nspec:\n  host: ${svc}\n  subsets: [{name: v1, labels: {version: v1}}, {name: v2, labels: {version: v2}}]\n`,
      `apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: ${svc}\n  namespace: trainee-07\nspec:\n  hosts:\n  - ${svc}.trainee-07.example.com\n  gateways: [web]\n  http:\n  - match:\n    - uri: {prefix: /api}\n      headers:\n        x-canary: {exact: "1"}\n    route:\n    - destination: {host: ${svc}, subset: v2}\n  - route:\n    - destination: {host: ${svc}, subset: v1}\n      weight: 90\n    - destination: {host: ${svc}, subset: v2}\n      weight: 10\n`,
    )
  }
  return docs.join('---\n')
}

function time(label: string, texts: readonly string[], read: (text: string) => unknown): void {
  for (let i = 0; i < 30; i++) {
    texts.forEach(read)
  }
  const runs: number[] = []
  for (let i = 0; i < 200; i++) {
    const t0 = performance.now()
    texts.forEach(read)
    runs.push(performance.now() - t0)
  }
  runs.sort((a, b) => a - b)
  const at = (p: number): string => (runs[Math.floor((runs.length - 1) * p)] ?? 0).toFixed(2)
  process.stdout.write(`${label.padEnd(44)} min ${at(0)} ms  median ${at(0.5)} ms  p95 ${at(0.95)} ms\n`)
}

const solution = yamlFiles(join(root, 'labs/istio-ingress/solution')).map((p) => readFileSync(p, 'utf8'))
const large = [largeTrainee()]
const kib = (texts: readonly string[]): string => `${(texts.join('').length / 1024).toFixed(1)} KiB`
const plainYaml = (text: string): unknown =>
  parseAllDocuments(text, { version: '1.1', merge: true }).map((d) => d.toJS({ maxAliasCount: 1000 }) as unknown)

process.stdout.write(`flagship solution: ${solution.length} files, ${kib(solution)}; large trainee: ${kib(large)}\n`)
const fullReader = (text: string): unknown => readKubeYaml(text, { fastPath: false })
const readers = (texts: readonly string[]): string => {
  const counts = texts.map((t) => readKubeYaml(t).readers)
  const sum = (k: 'fast' | 'full'): number => counts.reduce((n, c) => n + c[k], 0)
  return `${sum('fast')} documents by the fast path, ${sum('full')} by the full reader`
}
process.stdout.write(`flagship solution: ${readers(solution)}; large trainee: ${readers(large)}\n`)
time('kindlab reader, flagship solution', solution, readKubeYaml)
time('full reader alone, flagship solution', solution, fullReader)
time('yaml package (1.1, merge), flagship solution', solution, plainYaml)
time('kindlab reader, large trainee', large, readKubeYaml)
time('full reader alone, large trainee', large, fullReader)
time('yaml package (1.1, merge), large trainee', large, plainYaml)
