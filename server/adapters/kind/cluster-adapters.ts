// The provisioning adapters for cohorts' trainee clusters (server/cohorts/cluster): the same kind,
// istioctl and Kubernetes adapters `kindlab up` uses, with the tools from kindlab's bin folder when
// `kindlab tools install` put them there (else from PATH, as the doctor looks for them). The result
// is provisioning's ProvisionAdapters (server/provision/executors.ts), which adapters do not import.
import { existsSync } from 'node:fs'
import { chmod, mkdir, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { downloadText } from '../../adapters/download/download.ts'
import { execa } from 'execa'
import { createIstioctlCli } from '../istioctl/istioctl-cli.ts'
import type { KubeTarget } from '../kube/kube-config.ts'
import { createKubeOps } from '../kube/kube-ops.ts'
import { createKindCli } from './kind-cli.ts'

/** Writes a file inside the data dir, creating its folder; `mode` for kubeconfigs. */
export async function writeDataFile(path: string, text: string, mode?: number): Promise<void> {
  await mkdir(dirname(path), { recursive: true })
  await writeFile(path, text, mode === undefined ? {} : { mode })
  if (mode !== undefined) {
    await chmod(path, mode)
  }
}

export function clusterModeAdapters(binDir: string) {
  const tool = (name: string) => (existsSync(join(binDir, name)) ? join(binDir, name) : name)
  return {
    kind: createKindCli({}, execa, tool('kind')),
    istioctl: createIstioctlCli({}, execa, tool('istioctl')),
    kube: (target: KubeTarget) => createKubeOps(target),
    writeText: writeDataFile,
    downloadText,
  }
}
