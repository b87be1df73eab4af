// `kindlab images pull|save|load|list`: every image the live lab runs (derived from the blueprints),
// pulled with Docker, saved to one archive, loaded into the kind nodes for slow or offline networks.
import type { Command } from 'commander'
import type { ImagesFlags } from '../images-cli.ts'

export type { ImagesFlags }

function common(cmd: Command): Command {
  return cmd
    .option('--data <dir>', 'kindlab data folder (default: ~/.kindlab)')
    .option('--loadgen', 'include the optional load generator')
}

export function registerImages(program: Command): void {
  const images = program
    .command('images')
    .description('pre-pull the lab images and move them into the cluster without a registry')
  const run = (verb: 'list' | 'pull' | 'save' | 'load') => async (flags: ImagesFlags) => {
    const { runImages } = await import('../images-cli.ts')
    await runImages(verb, flags)
  }
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
