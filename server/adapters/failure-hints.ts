// Recognises the usual reasons a live lab fails to come up (Docker stopped, a host port taken,
// too little memory, inotify limits, images that cannot be pulled) in a tool's output and names
// the fix. Pure: text in, a diagnosis out; adapters turn it into an AppError.
import type { ErrorCode } from '../errors.ts'

export interface Diagnosis {
  code: ErrorCode
  /** What went wrong, in one sentence. */
  reason: string
  hint: string
}

interface Rule {
  test: RegExp
  diagnose: (match: RegExpExecArray) => Diagnosis
}

const imagesHint =
  'Check the network (or a proxy), then retry. Offline or behind a slow link: run `kindlab images pull` where the network works, `kindlab images save`, then `kindlab images load` here.'

const rules: Rule[] = [
  {
    test: /Cannot connect to the Docker daemon|Is the docker daemon running|docker\.sock: connect|failed to connect to the docker API|error during connect/i,
    diagnose: () => ({
      code: 'LAB_ERR_DOCKER_UNAVAILABLE',
      reason: 'Docker is not running (its daemon does not answer).',
      hint: 'Start Docker (Docker Desktop, or `sudo systemctl start docker`), check that `docker info` works without sudo, then run `kindlab up` again.',
    }),
  },
  {
    test: /(?:0\.0\.0\.0|127\.0\.0\.1|\[::\]):(\d+).*(?:address already in use|port is already allocated)|Bind for [^:]*:(\d+) failed: port is already allocated/i,
    diagnose: (m) => {
      const port = m[1] ?? m[2] ?? '?'
      return {
        code: 'LAB_ERR_KIND_FAILED',
        reason: `Host port ${port} is already taken by another program.`,
        hint: `Free port ${port} (another web server, or an old cluster: \`kindlab down\`, \`docker ps\`), or run \`kindlab up --dry-run\` to see every port the lab needs. Then run \`kindlab up\` again.`,
      }
    },
  },
  {
    test: /too many open files|inotify|failed to create fsnotify watcher/i,
    diagnose: () => ({
      code: 'LAB_ERR_KIND_FAILED',
      reason: 'The node ran out of inotify watches ("too many open files").',
      hint: 'Raise the limits: `sudo sysctl fs.inotify.max_user_instances=512 fs.inotify.max_user_watches=524288`, then `kindlab down` and `kindlab up`.',
    }),
  },
  {
    test: /cannot allocate memory|out of memory|OOMKilled|Insufficient memory|not enough memory/i,
    diagnose: () => ({
      code: 'LAB_ERR_KIND_FAILED',
      reason: 'Docker does not have enough memory for Kubernetes, Istio and the shop.',
      hint: 'Give Docker 6-8 GiB (Docker Desktop → Settings → Resources), close other containers, then `kindlab down` and `kindlab up`.',
    }),
  },
  {
    test: /ErrImagePull|ImagePullBackOff|failed to pull image|pull access denied|manifest unknown|toomanyrequests|TLS handshake timeout|i\/o timeout|net\/http: request canceled/i,
    diagnose: () => ({
      code: 'LAB_ERR_IMAGE_PULL_FAILED',
      reason: 'Container images cannot be pulled.',
      hint: imagesHint,
    }),
  },
]

/** The first known failure found in `output`, or undefined. */
export function diagnose(output: string): Diagnosis | undefined {
  for (const rule of rules) {
    const match = rule.test.exec(output)
    if (match) {
      return rule.diagnose(match)
    }
  }
  return undefined
}

/** The hint for images that cannot be pulled, for callers that detect it themselves. */
export const imagePullHint = imagesHint
