// Tells the `npm test` driver whether the cluster suite can run here: it needs `go` (>= the
// wrapper modules' go line) and `openssl`, unless KUBECONFIG_TEST names an existing cluster.
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'

const requiredGo = /^go\s+(\d+)\.(\d+)/m.exec(readFileSync(new URL('./go/kubernetes/go.mod', import.meta.url), 'utf8'))

/** @returns {{ run: boolean, reason?: string }} */
export function clusterSuiteAvailability() {
  const external = process.env.KUBECONFIG_TEST
  if (external) {
    return existsSync(external) ? { run: true } : { run: false, reason: `KUBECONFIG_TEST=${external} does not exist` }
  }
  const go = spawnSync('go', ['env', 'GOVERSION'], { encoding: 'utf8', env: { ...process.env, GOTOOLCHAIN: 'local' } })
  if (go.error || go.status !== 0) {
    return {
      run: false,
      reason: 'cluster suite needs Go to build the control plane (or set KUBECONFIG_TEST to a cluster)',
    }
  }
  const have = /go(\d+)\.(\d+)/.exec(go.stdout)
  const [needMajor, needMinor] = [Number(requiredGo?.[1] ?? 1), Number(requiredGo?.[2] ?? 0)]
  if (!have || Number(have[1]) < needMajor || (Number(have[1]) === needMajor && Number(have[2]) < needMinor)) {
    return { run: false, reason: `cluster suite needs Go >= ${needMajor}.${needMinor}, found ${go.stdout.trim()}` }
  }
  if (spawnSync('openssl', ['version']).error) {
    return { run: false, reason: 'cluster suite needs the openssl CLI for its throwaway PKI' }
  }
  return { run: true }
}
