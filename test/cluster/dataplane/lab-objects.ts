// A lab's solution and mistake files as API objects (variables filled in), applied like
// `kubectl apply` (server-side apply; a kindlab `Deleted` marker deletes what it names), and a real
// TLS Secret for the HTTPS step. Test and bench code only: writes only what it is given.
import { execFile } from 'node:child_process'
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import {
  CoreV1Api,
  KubernetesObjectApi,
  PatchStrategy,
  type KubeConfig,
  type KubernetesObject,
} from '@kubernetes/client-node'
import { parseAllDocuments } from 'yaml'
import { substituteVariables } from '../../../server/labs/variables.ts'

const execFileAsync = promisify(execFile)

/** The objects of a YAML text; those without a namespace go to `namespace`. */
export function parseObjects(text: string, vars: Record<string, string>, namespace: string): KubernetesObject[] {
  return parseAllDocuments(substituteVariables(text, vars))
    .map((d) => d.toJS() as KubernetesObject | null)
    .filter((o): o is KubernetesObject => o !== null && typeof o === 'object')
    .map((o) => ({ ...o, metadata: { ...o.metadata, namespace: o.metadata?.namespace ?? namespace } }))
}

/** Every `*.yaml` of a folder (a step's solution or mistakes), in name order. */
export async function folderObjects(
  dir: string,
  vars: Record<string, string>,
  namespace: string,
): Promise<KubernetesObject[]> {
  const names = (await readdir(dir)).filter((n) => n.endsWith('.yaml')).sort()
  const texts = await Promise.all(names.map((n) => readFile(join(dir, n), 'utf8')))
  return texts.flatMap((t) => parseObjects(t, vars, namespace))
}

export const isDeletedMarker = (o: KubernetesObject): boolean =>
  o.apiVersion === 'kindlab.dev/v1' && o.kind === 'Deleted'

/** Applies objects like `kubectl apply` (server-side); a `Deleted` marker deletes the object it names. */
export async function applyObjects(
  kc: KubeConfig,
  objects: readonly KubernetesObject[],
  manager: string,
): Promise<void> {
  const api = KubernetesObjectApi.makeApiClient(kc)
  for (const o of objects) {
    if (isDeletedMarker(o)) {
      const spec = (o as { spec?: { apiVersion?: string; kind?: string } }).spec ?? {}
      await api
        .delete({ apiVersion: spec.apiVersion ?? 'v1', kind: spec.kind ?? '', metadata: o.metadata ?? {} })
        .catch(() => undefined)
      continue
    }
    await api.patch(o, undefined, undefined, manager, true, PatchStrategy.ServerSideApply)
  }
}

/** Deletes objects, ignoring ones already gone. */
export async function removeObjects(kc: KubeConfig, objects: readonly KubernetesObject[]): Promise<void> {
  const api = KubernetesObjectApi.makeApiClient(kc)
  for (const o of objects.filter((x) => !isDeletedMarker(x))) {
    await api.delete(o).catch(() => undefined)
  }
}

/**
 * The lab's TLS Secret with a real key and self-signed certificate for `host` (the lab's files
 * hold placeholders, which Envoy would refuse): same name, namespace, type and keys.
 */
export async function withRealCertificate(secret: KubernetesObject, host: string): Promise<KubernetesObject> {
  const dir = await mkdtemp(join(tmpdir(), 'kindlab-tls-'))
  try {
    const crt = join(dir, 'tls.crt')
    const key = join(dir, 'tls.key')
    await execFileAsync('openssl', [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      key,
      '-out',
      crt,
      '-days',
      '2',
      '-subj',
      `/CN=${host}`,
      '-addext',
      `subjectAltName=DNS:${host}`,
    ])
    const real: Record<string, string> = {
      'tls.crt': (await readFile(crt)).toString('base64'),
      'tls.key': (await readFile(key)).toString('base64'),
    }
    const data = (secret as { data?: Record<string, string> }).data ?? {}
    const filled = Object.fromEntries(Object.entries(data).map(([k, v]) => [k, real[k] ?? v]))
    return { ...secret, data: filled } as KubernetesObject
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

/** The objects with every TLS-shaped Secret (tls.crt/tls.key) holding a real certificate for `host`. */
export async function withRealCertificates(
  objects: readonly KubernetesObject[],
  host: string,
): Promise<KubernetesObject[]> {
  return Promise.all(
    objects.map((o) =>
      o.kind === 'Secret' && (o as { data?: Record<string, string> }).data?.['tls.crt'] !== undefined
        ? withRealCertificate(o, host)
        : Promise.resolve(o),
    ),
  )
}

/**
 * The namespace the sim put the lab's shop in (the Service `frontend` outside any cohort's `kl-`
 * namespace): the learner's namespace, LEARNER_NAMESPACE.
 */
export async function shopNamespace(kc: KubeConfig): Promise<string> {
  const services = await kc
    .makeApiClient(CoreV1Api)
    .listServiceForAllNamespaces({ fieldSelector: 'metadata.name=frontend' })
  const ns = services.items.map((s) => s.metadata?.namespace ?? '').find((n) => n !== '' && !n.startsWith('kl-'))
  if (ns === undefined) {
    throw new Error('no Service frontend: the sim was not started with --lab istio-ingress')
  }
  return ns
}
