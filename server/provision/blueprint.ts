// Reads the live lab's blueprint (clusters/blueprint.yaml and every file it names) into plain data
// for the planner. Reads only kindlab's own package files; never the cluster or the network.
import { readFileSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { Type, type Static, type TSchema } from '@sinclair/typebox'
import { parseAllDocuments } from 'yaml'
import { AppError } from '../errors.ts'
import { clustersDir } from '../paths.ts'
import { errorsText, validateDocument } from '../validation/dialect.ts'

/** A Kubernetes object as written in a manifest. */
export interface KubeObject {
  apiVersion: string
  kind: string
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> }
  [field: string]: unknown
}

/** The pinned release: where standard-install.yaml is, and the SHA-256 of every file it holds. */
export interface GatewayApiPin {
  version: string
  /** `{version}` is replaced by the version. */
  url: string
  /** File name (e.g. gateway.networking.k8s.io_httproutes.yaml) → SHA-256, lowercase hex. */
  files: Record<string, string>
}

/** One manifest file of the blueprint and its objects, in file order. */
export interface ManifestFile {
  file: string
  objects: KubeObject[]
}

const PortMapping = Type.Object({
  containerPort: Type.Integer(),
  hostPort: Type.Integer(),
  listenAddress: Type.Optional(Type.String()),
  protocol: Type.Optional(Type.String()),
})

/** The parts of a kind Cluster config kindlab reads or changes; other fields pass through. */
export const KindConfigSchema = Type.Object(
  {
    kind: Type.Literal('Cluster'),
    apiVersion: Type.String(),
    name: Type.Optional(Type.String()),
    nodes: Type.Array(
      Type.Object(
        {
          role: Type.String(),
          image: Type.Optional(Type.String()),
          extraPortMappings: Type.Optional(Type.Array(PortMapping)),
        },
        { additionalProperties: true },
      ),
      { minItems: 1 },
    ),
  },
  { additionalProperties: true },
)
export type KindConfig = Static<typeof KindConfigSchema>

const IndexSchema = Type.Object({
  kind: Type.Object({ clusterName: Type.String({ pattern: '^[a-z0-9][a-z0-9-]*$' }), config: Type.String() }),
  istio: Type.Object({
    overlay: Type.String(),
    namespace: Type.String(),
    deployments: Type.Array(Type.String()),
    ingress: Type.Object({
      service: Type.String(),
      selector: Type.Record(Type.String(), Type.String()),
      adminPort: Type.Integer(),
    }),
  }),
  app: Type.Object({
    name: Type.String(),
    namespace: Type.String(),
    manifests: Type.Array(Type.String(), { minItems: 1 }),
    optional: Type.Record(Type.String(), Type.String()),
  }),
  addons: Type.Object({ manifests: Type.Array(Type.String()) }),
  gatewayApi: Type.Optional(
    Type.Object({
      version: Type.String({ pattern: '^v[0-9]+\\.[0-9]+\\.[0-9]+$' }),
      url: Type.String({ pattern: '^https://' }),
      files: Type.Record(
        Type.String({ pattern: '^[A-Za-z0-9._-]+\\.yaml$' }),
        Type.String({ pattern: '^[0-9a-f]{64}$' }),
        {
          minProperties: 1,
        },
      ),
    }),
  ),
})

/** Everything `kindlab up` needs to know about the cluster it builds. */
export interface Blueprint {
  dir: string
  kind: { clusterName: string; configFile: string; config: KindConfig }
  istio: Omit<Static<typeof IndexSchema>['istio'], 'overlay'> & { overlayFile: string; overlay: KubeObject }
  app: { name: string; namespace: string; manifests: ManifestFile[]; optional: Record<string, ManifestFile> }
  addons: { manifests: ManifestFile[] }
  /** The pinned Kubernetes Gateway API CRDs `up` installs in kind (server/provision/gateway-api-crds.ts). */
  gatewayApi?: GatewayApiPin
}

function invalid(file: string, why: string): AppError {
  return new AppError('LAB_ERR_CONFIG_INVALID', {
    message: `The cluster blueprint file ${file} is invalid: ${why}.`,
    hint: 'The files under clusters/ ship with kindlab; restore them (git checkout clusters/) or reinstall kindlab.',
  })
}

function unreadable(dir: string, file: string, err: unknown): AppError {
  return new AppError('LAB_ERR_CONFIG_INVALID', {
    message: `The cluster blueprint file ${file} cannot be read.`,
    hint: `Check that ${join(dir, file)} exists (it ships with kindlab).`,
    cause: err,
  })
}

async function readYamlDocs(dir: string, file: string): Promise<unknown[]> {
  let text: string
  try {
    text = await readFile(join(dir, file), 'utf8')
  } catch (err) {
    throw unreadable(dir, file, err)
  }
  return parseYamlDocs(text, file)
}

function parseYamlDocs(text: string, file: string): unknown[] {
  const docs = parseAllDocuments(text)
  const broken = docs.find((d) => d.errors.length > 0)
  if (broken) {
    throw invalid(file, broken.errors[0]?.message ?? 'YAML error')
  }
  return docs.map((d) => d.toJS() as unknown).filter((v) => v !== null && v !== undefined)
}

function isKubeObject(value: unknown): value is KubeObject {
  if (value === null || typeof value !== 'object') {
    return false
  }
  const o = value as Record<string, unknown>
  const meta = o['metadata'] as Record<string, unknown> | undefined
  return typeof o['apiVersion'] === 'string' && typeof o['kind'] === 'string' && typeof meta?.['name'] === 'string'
}

/** Reads one manifest file; every document must be a Kubernetes object with a name. */
export async function readManifest(dir: string, file: string): Promise<ManifestFile> {
  const docs = await readYamlDocs(dir, file)
  const bad = docs.findIndex((d) => !isKubeObject(d))
  if (bad >= 0) {
    throw invalid(file, `document ${bad + 1} is not a Kubernetes object with apiVersion, kind and metadata.name`)
  }
  return { file, objects: docs as KubeObject[] }
}

async function readOne(dir: string, file: string): Promise<unknown> {
  const docs = await readYamlDocs(dir, file)
  if (docs.length !== 1) {
    throw invalid(file, `expected one YAML document, found ${docs.length}`)
  }
  return docs[0]
}

/** The file's content checked against its schema in the app-wide dialect (validation/dialect.ts). */
function check<T extends TSchema>(schema: T, value: unknown, file: string): Static<T> {
  const validated = validateDocument(schema, value)
  if (!validated.ok) {
    throw invalid(file, errorsText(validated.errors))
  }
  return validated.value
}

const shopNamespaces = new Map<string, string>()

/**
 * The shop's namespace, as blueprint.yaml names it (`app.namespace`): where `kindlab up` deploys
 * the shop, and what cohorts plan around. Synchronous (the planners' defaults need it), read once
 * per folder; the one source of that name.
 */
export function blueprintShopNamespace(dir: string = clustersDir()): string {
  let namespace = shopNamespaces.get(dir)
  if (namespace === undefined) {
    let text: string
    try {
      text = readFileSync(join(dir, 'blueprint.yaml'), 'utf8')
    } catch (err) {
      throw unreadable(dir, 'blueprint.yaml', err)
    }
    const docs = parseYamlDocs(text, 'blueprint.yaml')
    if (docs.length !== 1) {
      throw invalid('blueprint.yaml', `expected one YAML document, found ${docs.length}`)
    }
    namespace = check(IndexSchema, docs[0], 'blueprint.yaml').app.namespace
    shopNamespaces.set(dir, namespace)
  }
  return namespace
}

/** Loads the blueprint from `dir` (default: the clusters/ folder kindlab ships). */
export async function loadBlueprint(dir: string = clustersDir()): Promise<Blueprint> {
  const index = check(IndexSchema, await readOne(dir, 'blueprint.yaml'), 'blueprint.yaml')
  const kindConfig = check(KindConfigSchema, await readOne(dir, index.kind.config), index.kind.config)
  const overlay = await readOne(dir, index.istio.overlay)
  if (!isKubeObject(overlay) || overlay.kind !== 'IstioOperator') {
    throw invalid(index.istio.overlay, 'expected an IstioOperator')
  }
  const read = (files: string[]) => Promise.all(files.map((f) => readManifest(dir, f)))
  const optional: Record<string, ManifestFile> = {}
  for (const [name, file] of Object.entries(index.app.optional)) {
    optional[name] = await readManifest(dir, file)
  }
  return {
    dir,
    kind: { clusterName: index.kind.clusterName, configFile: index.kind.config, config: kindConfig },
    istio: { ...index.istio, overlayFile: index.istio.overlay, overlay },
    app: { name: index.app.name, namespace: index.app.namespace, manifests: await read(index.app.manifests), optional },
    addons: { manifests: await read(index.addons.manifests) },
    ...(index.gatewayApi === undefined ? {} : { gatewayApi: index.gatewayApi }),
  }
}
