// Files read from Go modules at run time (Istio's CRDs, kwok's stages) are found on an EMPTY module
// cache, as on a fresh machine: the module proxy refuses `.info` for Istio's pseudo-version, so
// anything that asks for it (`go mod download -json`, `go list -m -json`) would fail here.
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { istioModule, kwokModule, moduleDir, moduleFile } from './gomod.ts'
import { istioCrdFile } from './istio-crds.ts'
import { goEnv, versions } from './versions.ts'

describe('Go module files on an empty module cache (network: the Go module proxy)', () => {
  const cache = mkdtempSync(join(tmpdir(), 'kindlab-gomodcache-'))
  const env = { GOMODCACHE: cache }

  afterAll(() => {
    // The module cache is read-only by design; go clean knows how to remove it.
    execFileSync('go', ['clean', '-modcache'], { env: { ...goEnv(), ...env }, stdio: 'ignore' })
    rmSync(cache, { recursive: true, force: true })
  })

  it("finds Istio's CRD bundle in the pinned pseudo-version", async () => {
    expect(readdirSync(cache)).toEqual([])
    const file = await moduleFile(istioModule, istioCrdFile, env)
    expect(file).toBe(join(cache, `istio.io/istio@${versions.istioModule}`, istioCrdFile))
    expect(existsSync(file)).toBe(true)
    // The proxy was never asked for the .info it refuses.
    expect(existsSync(join(cache, 'cache/download/istio.io/istio/@v', `${versions.istioModule}.info`))).toBe(false)
  })

  it("finds kwok's module", async () => {
    expect(await moduleDir(kwokModule, env)).toBe(join(cache, `sigs.k8s.io/kwok@${versions.kwok}`))
  })

  it('names the missing file when a module lacks it', async () => {
    await expect(moduleFile(istioModule, 'no/such/file.yaml', env)).rejects.toThrow(
      /no\/such\/file\.yaml is missing from the module of istio\.io\/istio\/pkg\/version/,
    )
  })
})
