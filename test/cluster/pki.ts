// Throwaway PKI for one control plane: a CA, the API server's serving certificate, client
// certificates per component (openssl CLI, EC P-256) and the service-account signing key (node:crypto).
import { execFile } from 'node:child_process'
import { generateKeyPairSync } from 'node:crypto'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'

const execFileAsync = promisify(execFile)

/** A certificate and its key, as file paths. */
export interface CertPair {
  cert: string
  key: string
}

/** Every file the components need. */
export interface Pki {
  dir: string
  ca: CertPair
  apiserver: CertPair
  /** system:masters client certificates, by user name. */
  clients: Record<ClientName, CertPair>
  serviceAccountKey: string
  serviceAccountPub: string
}

export type ClientName = 'admin' | 'controller-manager' | 'scheduler' | 'kwok'

/** User (CN) and groups (O) for each client certificate. */
const clientSubjects: Record<ClientName, { cn: string; groups: string[] }> = {
  admin: { cn: 'kindlab-admin', groups: ['system:masters'] },
  'controller-manager': { cn: 'system:kube-controller-manager', groups: [] },
  scheduler: { cn: 'system:kube-scheduler', groups: [] },
  kwok: { cn: 'kwok-controller', groups: ['system:masters'] },
}

/** Service CIDR's first address: the in-cluster `kubernetes` Service IP. */
export const serviceCidr = '10.96.0.0/16'
const kubernetesServiceIp = '10.96.0.1'

function subject(cn: string, groups: string[]): string {
  return [...groups.map((g) => `/O=${g}`), `/CN=${cn}`].join('')
}

async function openssl(args: string[]): Promise<void> {
  await execFileAsync('openssl', args)
}

const ecKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes']

async function issue(dir: string, name: string, ca: CertPair, subj: string, ext: string[]): Promise<CertPair> {
  const pair = { cert: join(dir, `${name}.crt`), key: join(dir, `${name}.key`) }
  await openssl([
    'req',
    '-x509',
    ...ecKey,
    '-keyout',
    pair.key,
    '-out',
    pair.cert,
    '-days',
    '30',
    '-subj',
    subj,
    '-CA',
    ca.cert,
    '-CAkey',
    ca.key,
    '-addext',
    'basicConstraints=critical,CA:FALSE',
    '-addext',
    'keyUsage=critical,digitalSignature,keyEncipherment',
    ...ext.flatMap((e) => ['-addext', e]),
  ])
  return pair
}

/** Creates the PKI under `dir` (about a second). */
export async function createPki(dir: string): Promise<Pki> {
  mkdirSync(dir, { recursive: true })
  const ca = { cert: join(dir, 'ca.crt'), key: join(dir, 'ca.key') }
  await openssl([
    'req',
    '-x509',
    ...ecKey,
    '-keyout',
    ca.key,
    '-out',
    ca.cert,
    '-days',
    '30',
    '-subj',
    '/CN=kindlab-test-ca',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign,digitalSignature',
  ])
  const sans = [
    'IP:127.0.0.1',
    `IP:${kubernetesServiceIp}`,
    'DNS:localhost',
    'DNS:kubernetes',
    'DNS:kubernetes.default',
    'DNS:kubernetes.default.svc',
    'DNS:kubernetes.default.svc.cluster.local',
  ]
  const names = Object.keys(clientSubjects) as ClientName[]
  const [apiserver, ...clientPairs] = await Promise.all([
    issue(dir, 'apiserver', ca, '/CN=kube-apiserver', [
      `subjectAltName=${sans.join(',')}`,
      'extendedKeyUsage=serverAuth',
    ]),
    ...names.map((n) =>
      issue(dir, n, ca, subject(clientSubjects[n].cn, clientSubjects[n].groups), ['extendedKeyUsage=clientAuth']),
    ),
  ])
  const clients = Object.fromEntries(names.map((n, i) => [n, clientPairs[i]])) as Record<ClientName, CertPair>
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  const serviceAccountKey = join(dir, 'sa.key')
  const serviceAccountPub = join(dir, 'sa.pub')
  writeFileSync(serviceAccountKey, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 })
  writeFileSync(serviceAccountPub, publicKey.export({ type: 'spki', format: 'pem' }))
  if (!apiserver) {
    throw new Error('apiserver certificate missing')
  }
  return { dir, ca, apiserver, clients, serviceAccountKey, serviceAccountPub }
}
