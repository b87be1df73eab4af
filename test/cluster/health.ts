// Readiness probes: etcd's /health over plain HTTP, the API server's /readyz over mutual TLS.
import { readFileSync } from 'node:fs'
import { request } from 'node:https'
import type { CertPair } from './pki.ts'

/** Resolves true when etcd answers {"health":"true"}. */
export async function etcdHealthy(port: number): Promise<true | undefined> {
  const res = await fetch(`http://127.0.0.1:${port}/health`)
  const body = (await res.json()) as { health?: string }
  return body.health === 'true' ? true : undefined
}

/** GETs `path` from the API server with a client certificate; resolves status and body. */
export function apiGet(
  port: number,
  path: string,
  ca: string,
  client: CertPair,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: 'GET',
        ca: readFileSync(ca),
        cert: readFileSync(client.cert),
        key: readFileSync(client.key),
        timeout: 5_000,
      },
      (res) => {
        let body = ''
        res.setEncoding('utf8')
        res.on('data', (chunk: string) => (body += chunk))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
      },
    )
    req.on('timeout', () => req.destroy(new Error(`GET ${path} timed out`)))
    req.on('error', reject)
    req.end()
  })
}

/** Resolves true once /readyz is 200 (RBAC bootstrap roles and every post-start hook done). */
export async function apiserverReady(port: number, ca: string, client: CertPair): Promise<true | undefined> {
  const { status } = await apiGet(port, '/readyz', ca, client)
  return status === 200 ? true : undefined
}
