// Writes self-contained kubeconfig files (certificates embedded) for the admin and each component.
import { readFileSync, writeFileSync } from 'node:fs'
import { stringify } from 'yaml'
import type { CertPair } from './pki.ts'

const b64 = (path: string): string => readFileSync(path).toString('base64')

/** Writes a kubeconfig for `user` authenticating with a client certificate; returns its path. */
export function writeKubeconfig(path: string, server: string, caCert: string, user: string, client: CertPair): string {
  const name = 'kindlab-test'
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name, cluster: { server, 'certificate-authority-data': b64(caCert) } }],
    users: [{ name: user, user: { 'client-certificate-data': b64(client.cert), 'client-key-data': b64(client.key) } }],
    contexts: [{ name, context: { cluster: name, user } }],
    'current-context': name,
    preferences: {},
  }
  writeFileSync(path, stringify(config), { mode: 0o600 })
  return path
}
