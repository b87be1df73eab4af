// `kindlab images pull|save|load|list`: every image the live lab runs (derived from the blueprint,
// blueprint-facts.ts), pulled with Docker, saved to one archive, loaded into the kind nodes for slow
// or offline networks. Docker, kind and the blueprint load only when the command runs.
import { existsSync } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import { dirname } from 'node:path'
import type { Command } from 'commander'
import { AppError } from '../../errors.ts'
import { pc } from '../colors.ts'
import type { LiveEnv } from '../live-env.ts'

/** What the command needs beyond printing, loaded when it runs (not for `kindlab --help`). */
const load = async () => ({
  ...(await import('../../adapters/kind/docker-images.ts')),
  ...(await import('../../adapters/kind/kind-cli.ts')),
  ...(await import('../../provision/blueprint.ts')),
  ...(await import('../../provision/blueprint-facts.ts')),
  ...(await import('../live-env.ts')),
})

/** The flags of `kindlab images`. */
export interface ImagesFlags {
  data?: string
  archive?: string
  loadgen?: boolean
}

function common(cmd: Command): Command {
  return cmd
    .option('--data <dir>', 'kindlab data folder (default: ~/.kindlab)')
    .option('--loadgen', 'include the optional load generator')
}

export function registerImages(program: Command): void {
  const images = program
    .command('images')
    .description('pre-pull the lab images and move them into the cluster without a registry')
  const run = (verb: 'list' | 'pull' | 'save' | 'load') => (flags: ImagesFlags) => runImages(verb, flags)
  common(images.command('list').description('print every image the lab needs and what runs it')).action(run('list'))
  common(images.command('pull').description('docker pull every image (skips those already present)')).action(
    run('pull'),
  )
  common(
    images
      .command('save')
      .description('docker save the in-cluster images to one archive')
      .option('--archive <file>', 'archive path (default: <data>/images/kindlab-images.tar)'),
  ).action(run('save'))
  common(
    images
      .command('load')
      .description('kind load image-archive into the lab cluster')
      .option('--archive <file>', 'archive path (default: <data>/images/kindlab-images.tar)'),
  ).action(run('load'))
}

async function pull(images: readonly string[], env: LiveEnv): Promise<void> {
  const { createDockerImages } = await load()
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
  const { createDockerImages } = await load()
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

async function loadArchive(archive: string, clusterName: string, env: LiveEnv): Promise<void> {
  if (!existsSync(archive)) {
    throw new AppError('LAB_ERR_INPUT_FILE', {
      message: `The image archive ${archive} does not exist.`,
      hint: 'Create it with `kindlab images pull` and `kindlab images save`, or pass --archive FILE.',
    })
  }
  const { createKindCli } = await load()
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

/** Runs `kindlab images <verb>`. */
export async function runImages(verb: 'list' | 'pull' | 'save' | 'load', flags: ImagesFlags): Promise<void> {
  const { liveEnv, loadBlueprint, blueprintImages, clusterImages } = await load()
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
      return loadArchive(archive, bp.kind.clusterName, env)
  }
}
