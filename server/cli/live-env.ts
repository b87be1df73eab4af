// Where the live lab keeps its files (kubeconfig, rendered configs, tools, image archive) and the
// few environment settings the CLI reads for it: PATH, and the docker compose switches
// KINDLAB_KIND_INTERNAL / KINDLAB_KIND_LISTEN_ADDRESS.
import { delimiter, join } from 'node:path'
import { kindlabBinDir } from '../adapters/tools/tool-probe.ts'
import { loadConfig } from '../config.ts'
import { bundledLabsDir } from '../paths.ts'

export interface LiveEnv {
  dataDir: string
  binDir: string
  /** The lab cluster's kubeconfig (kind), written by `kindlab up`. */
  kubeconfigPath: string
  /** Rendered kind config and Istio overlay. */
  workDir: string
  /** Default archive of `kindlab images save|load`. */
  imagesArchive: string
  /** PATH for kind, istioctl and docker: ~/.kindlab/bin first. */
  toolEnv: { PATH: string }
  /** kindlab runs in a container on the kind network (docker compose). */
  inContainer: boolean
  /** Address kind binds the lab's host ports to; the blueprint's 127.0.0.1 when unset. */
  listenAddress: string | undefined
  /** kindlab runs in a pod (KUBERNETES_SERVICE_HOST is set): Services resolve by name. */
  inCluster: boolean
}

const truthy = (v: string | undefined): boolean => ['1', 'true', 'yes', 'on'].includes((v ?? '').toLowerCase())

/** Reads the environment once; `dataDir` is the --data flag. */
export function liveEnv(dataDir?: string): LiveEnv {
  const config = loadConfig(process.env, { labsDir: bundledLabsDir(), ...(dataDir ? { dataDir } : {}) })
  const binDir = kindlabBinDir(config.dataDir)
  return {
    dataDir: config.dataDir,
    binDir,
    kubeconfigPath: join(config.dataDir, 'kubeconfig'),
    workDir: join(config.dataDir, 'work'),
    imagesArchive: join(config.dataDir, 'images', 'kindlab-images.tar'),
    toolEnv: { PATH: [binDir, process.env['PATH'] ?? ''].join(delimiter) },
    inContainer: truthy(process.env['KINDLAB_KIND_INTERNAL']),
    listenAddress: process.env['KINDLAB_KIND_LISTEN_ADDRESS'] || undefined,
    inCluster: Boolean(process.env['KUBERNETES_SERVICE_HOST']),
  }
}
