// Downloads one file over HTTP(S) and checks its SHA-256 against a pinned value before it is
// kept: written to <dest>.partial, renamed only when the digest matches. Network failures become
// LAB_ERR_DOWNLOAD_FAILED (with an offline hint); wrong digests LAB_ERR_CHECKSUM_MISMATCH.
import { createHash } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import { mkdir, rename, rm } from 'node:fs/promises'
import { dirname } from 'node:path'
import { Readable, Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { AppError } from '../../errors.ts'

export interface DownloadOptions {
  /** Expected SHA-256, lowercase hex. */
  sha256: string
  /** @default 512 MiB */
  maxBytes?: number
  /** For the whole download. @default 600_000 */
  timeoutMs?: number
  signal?: AbortSignal
  onProgress?: (receivedBytes: number, totalBytes: number | undefined) => void
}

const offlineHint =
  'kindlab cannot reach the download site (offline, or a proxy?). Connect and retry, or install the tool yourself and put it on PATH or in ~/.kindlab/bin; `kindlab doctor` checks what is found.'

function networkError(url: string, err: unknown): AppError {
  const cause = (err as { cause?: { code?: unknown; message?: unknown } } | null)?.cause
  const code = typeof cause?.code === 'string' ? ` (${cause.code})` : ''
  const why =
    (err as { name?: unknown } | null)?.name === 'TimeoutError' ? 'it took too long' : `the connection failed${code}`
  return new AppError('LAB_ERR_DOWNLOAD_FAILED', {
    message: `Downloading ${url} failed: ${why}.`,
    hint: offlineHint,
    cause: err,
  })
}

function hashing(
  hash: ReturnType<typeof createHash>,
  maxBytes: number,
  url: string,
  progress: (n: number) => void,
): Transform {
  let received = 0
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      received += chunk.length
      if (received > maxBytes) {
        done(
          new AppError('LAB_ERR_DOWNLOAD_FAILED', {
            message: `${url} is larger than ${Math.round(maxBytes / 1024 / 1024)} MiB.`,
            hint: 'The pinned URL may have changed; report it.',
          }),
        )
        return
      }
      hash.update(chunk)
      progress(received)
      done(null, chunk)
    },
  })
}

/** GETs `url` (redirects followed) within `timeoutMs`; a network failure or an error status is our AppError. */
async function open(url: string, timeoutMs: number, signal: AbortSignal | undefined): Promise<Response> {
  const signals = [AbortSignal.timeout(timeoutMs), ...(signal ? [signal] : [])]
  let res: Response
  try {
    res = await fetch(url, { redirect: 'follow', signal: AbortSignal.any(signals) })
  } catch (err) {
    throw networkError(url, err)
  }
  if (!res.ok) {
    throw failed(url, res.status)
  }
  return res
}

function failed(url: string, status: number): AppError {
  return new AppError('LAB_ERR_DOWNLOAD_FAILED', {
    message: `Downloading ${url} failed: HTTP ${status}.`,
    hint: status === 404 ? 'The pinned release is missing upstream; report it.' : offlineHint,
  })
}

/** Downloads `url` to `dest` if and only if its SHA-256 is `options.sha256`. */
export async function downloadVerified(url: string, dest: string, options: DownloadOptions): Promise<void> {
  const res = await open(url, options.timeoutMs ?? 600_000, options.signal)
  if (!res.body) {
    throw failed(url, res.status)
  }
  const total = Number(res.headers.get('content-length')) || undefined
  const partial = `${dest}.partial`
  await mkdir(dirname(dest), { recursive: true })
  const hash = createHash('sha256')
  try {
    const body = Readable.fromWeb(res.body)
    await pipeline(
      body,
      hashing(hash, options.maxBytes ?? 512 * 1024 * 1024, url, (n) => options.onProgress?.(n, total)),
      createWriteStream(partial, { mode: 0o644 }),
    )
  } catch (err) {
    await rm(partial, { force: true })
    throw err instanceof AppError ? err : networkError(url, err)
  }
  const actual = hash.digest('hex')
  if (actual !== options.sha256.toLowerCase()) {
    await rm(partial, { force: true })
    throw new AppError('LAB_ERR_CHECKSUM_MISMATCH', {
      message: `The file from ${url} does not match its pinned SHA-256 (expected ${options.sha256}, got ${actual}); it was deleted.`,
      hint: 'Retry (a proxy may have changed the download). If it happens again, the release was replaced upstream: report it and do not use that file.',
    })
  }
  await rename(partial, dest)
}

/**
 * Downloads a small text file (at most `maxBytes`, default 16 MiB) into memory. Its integrity is
 * the caller's to check (e.g. per-file SHA-256 pins, server/provision/gateway-api-crds.ts).
 */
export async function downloadText(
  url: string,
  options: { signal?: AbortSignal; timeoutMs?: number; maxBytes?: number } = {},
): Promise<string> {
  const res = await open(url, options.timeoutMs ?? 120_000, options.signal)
  let text: string
  try {
    text = await res.text()
  } catch (err) {
    throw networkError(url, err)
  }
  const max = options.maxBytes ?? 16 * 1024 * 1024
  if (Buffer.byteLength(text, 'utf8') > max) {
    throw new AppError('LAB_ERR_DOWNLOAD_FAILED', {
      message: `${url} is larger than ${Math.round(max / 1024 / 1024)} MiB.`,
      hint: 'The pinned URL may have changed; report it.',
    })
  }
  return text
}
