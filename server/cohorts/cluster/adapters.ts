// The provisioning adapters for trainee clusters: the same kind, istioctl and Kubernetes adapters
// `kindlab up` uses, with the tools from kindlab's bin folder when `kindlab tools install` put
// them there (else from PATH, as the doctor looks for them).
import { existsSync } from 'node:fs'
import { chmod, mkdir, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { downloadText } from '../../adapters/download/download.ts'
import { execa } from 'execa'
import { createIstioctlCli } from '../../adapters/istioctl/istioctl-cli.ts'
import { createKindCli } from '../../adapters/kind/kind-cli.ts'
import { createKubeOps } from '../../adapters/kube/kube-ops.ts'
import type { ProvisionAdapters } from '../../provision/executors.ts'

/** Writes a file inside the data dir, creating its folder; `mode` for kubeconfigs. */
export async function writeDataFile(path: string, text: string, mode?: number): Promise<void> {
  await mkdir(dirname(path), { recursive: true })
  await writeFile(path, text, mode === undefined ? {} : { mode })
  if (mode !== undefined) {
    await chmod(path, mode)
  }
}

export function clusterModeAdapters(binDir: string): ProvisionAdapters {
  const tool = (name: string) => (existsSync(join(binDir, name)) ? join(binDir, name) : name)
  return {
    kind: createKindCli({}, execa, tool('kind')),
    istioctl: createIstioctlCli({}, execa, tool('istioctl')),
    kube: (target) => createKubeOps(target),
    writeText: writeDataFile,
    downloadText,
  }
}
