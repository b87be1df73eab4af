// The Docker CLI for `kindlab images`: pull images, check which are present, save them to one
// archive that `kind load image-archive` puts into the cluster nodes. Errors become AppErrors.
import { execa } from 'execa'
import { kindError, type Runner } from './kind-cli.ts'

export interface DockerImages {
  /** True when the image is in the local Docker image store. */
  has(image: string): Promise<boolean>
  pull(image: string, options?: { signal?: AbortSignal }): Promise<void>
  /** Writes every image into one tar archive (docker save). */
  save(images: readonly string[], archivePath: string, options?: { signal?: AbortSignal }): Promise<void>
}

/** Creates the adapter for the `docker` on PATH. */
export function createDockerImages(env: Readonly<Record<string, string>>, run: Runner = execa): DockerImages {
  const base = { env, extendEnv: true, stdin: 'ignore' as const, all: true }
  return {
    async has(image) {
      const result = await run('docker', ['image', 'inspect', '--format', '{{.Id}}', image], { ...base, reject: false })
      if ((result as { code?: string }).code === 'ENOENT') {
        throw kindError(result, 'looking for images', 'docker')
      }
      return result.exitCode === 0
    },
    async pull(image, options = {}) {
      try {
        await run('docker', ['pull', image], { ...base, ...(options.signal ? { cancelSignal: options.signal } : {}) })
      } catch (err) {
        throw kindError(err, `pulling ${image}`, 'docker')
      }
    },
    async save(images, archivePath, options = {}) {
      try {
        await run('docker', ['save', '--output', archivePath, ...images], {
          ...base,
          ...(options.signal ? { cancelSignal: options.signal } : {}),
        })
      } catch (err) {
        throw kindError(err, `saving ${images.length} images to ${archivePath}`, 'docker')
      }
    },
  }
}
