// Runs `kindlab images`: the image list comes from the blueprint (blueprint-facts.ts), Docker pulls
// and saves them, kind loads the archive into the lab cluster's nodes.
import { existsSync } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import { dirname } from 'node:path'
import { pc } from './colors.ts'
import { createDockerImages } from '../adapters/kind/docker-images.ts'
import { createKindCli } from '../adapters/kind/kind-cli.ts'
import { AppError } from '../errors.ts'
import { loadBlueprint } from '../provision/blueprint.ts'
import { blueprintImages, clusterImages } from '../provision/blueprint-facts.ts'
import { liveEnv, type LiveEnv } from './live-env.ts'

export interface ImagesFlags {
  data?: string
  archive?: string
  loadgen?: boolean
}

async function pull(images: readonly string[], env: LiveEnv): Promise<void> {
  const docker = createDockerImages(env.toolEnv)
  let pulled = 0
  for (const [i, image] of images.entries()) {
    const prefix = `[${i + 1}/${images.length}]`
    if (await docker.has(image)) {
      process.stdout.write(`${pc.dim('↷')} ${prefix} ${image} ${pc.dim('(present)')}\n`)
      continue
    }
    process.stdout.write(`… ${prefix} docker pull ${image}\n`)
    await docker.pull(image)
    pulled++
    process.stdout.write(`${pc.green('✔')} ${prefix} ${image}\n`)
  }
  process.stdout.write(`${pulled} pulled, ${images.length - pulled} already present.\n`)
}

async function save(images: readonly string[], archive: string, env: LiveEnv): Promise<void> {
  const docker = createDockerImages(env.toolEnv)
  const missing: string[] = []
  for (const image of images) {
    if (!(await docker.has(image))) {
      missing.push(image)
    }
  }
  if (missing.length) {
    throw new AppError('LAB_ERR_IMAGE_PULL_FAILED', {
      message: `${missing.length} images are not in Docker yet: ${missing.join(', ')}.`,
      hint: 'Run `kindlab images pull` first (where the network works).',
    })
  }
  await mkdir(dirname(archive), { recursive: true })
  process.stdout.write(`… docker save ${images.length} images → ${archive}\n`)
  await docker.save(images, archive)
  process.stdout.write(
    `${pc.green('✔')} saved. Copy it to the other machine and run \`kindlab images load --archive ${archive}\` there.\n`,
  )
}

async function load(archive: string, clusterName: string, env: LiveEnv): Promise<void> {
  if (!existsSync(archive)) {
    throw new AppError('LAB_ERR_INPUT_FILE', {
      message: `The image archive ${archive} does not exist.`,
      hint: 'Create it with `kindlab images pull` and `kindlab images save`, or pass --archive FILE.',
    })
  }
  const kind = createKindCli(env.toolEnv)
  if (!(await kind.clusters()).includes(clusterName)) {
    throw new AppError('LAB_ERR_KIND_FAILED', {
      message: `There is no kind cluster "${clusterName}" to load images into.`,
      hint: 'Run `kindlab up` first (it pulls what is missing), then load the images.',
    })
  }
  process.stdout.write(`… kind load image-archive ${archive} --name ${clusterName}\n`)
  await kind.loadImageArchive(clusterName, archive, { onLine: (line) => process.stdout.write(pc.dim(`  ${line}\n`)) })
  process.stdout.write(`${pc.green('✔')} images loaded into every node of "${clusterName}".\n`)
}

export async function runImages(verb: 'list' | 'pull' | 'save' | 'load', flags: ImagesFlags): Promise<void> {
  const env = liveEnv(flags.data)
  const bp = await loadBlueprint()
  const optional = flags.loadgen ? ['loadgenerator'] : []
  const archive = flags.archive ?? env.imagesArchive
  switch (verb) {
    case 'list':
      for (const ref of blueprintImages(bp, { optional })) {
        process.stdout.write(`${ref.image}\t${ref.usedBy}\n`)
      }
      return
    case 'pull':
      return pull(
        blueprintImages(bp, { optional }).map((r) => r.image),
        env,
      )
    case 'save':
      return save(
        clusterImages(bp, { optional }).map((r) => r.image),
        archive,
        env,
      )
    case 'load':
      return load(archive, bp.kind.clusterName, env)
  }
}
