// Extracts one regular file from a .tar.gz archive (e.g. `istioctl` from the Istio release) by
// streaming: gunzip, then read ustar headers (POSIX and GNU long names). Nothing else is written.
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs'
import { rm } from 'node:fs/promises'
import { Writable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { createGunzip } from 'node:zlib'
import { AppError } from '../../errors.ts'

const block = 512

function field(header: Buffer, start: number, length: number): string {
  const raw = header.subarray(start, start + length)
  const end = raw.indexOf(0)
  return raw.subarray(0, end < 0 ? raw.length : end).toString('utf8')
}

/** Parses a header block; undefined for the zero blocks that end the archive. */
export function parseTarHeader(header: Buffer): { name: string; size: number; type: string } | undefined {
  if (header.every((b) => b === 0)) {
    return undefined
  }
  const prefix = field(header, 345, 155)
  const name = field(header, 0, 100)
  const size = parseInt(field(header, 124, 12).trim() || '0', 8)
  return { name: prefix ? `${prefix}/${name}` : name, size, type: field(header, 156, 1) || '0' }
}

/** Exact path match (a leading "./" ignored): a file of the same name deeper in the tree is not it. */
const matches = (name: string, member: string): boolean => name.replace(/^\.\//, '') === member

type Sink = 'file' | 'name' | 'skip'

/** A writable that walks tar entries and copies the one named `member` into `out`. */
function tarWalker(member: string, out: WriteStream, found: () => void): Writable {
  let buf = Buffer.alloc(0)
  let entry: { remaining: number; padding: number; sink: Sink; name: Buffer[] } | undefined
  let longName: string | undefined
  const startEntry = (header: { name: string; size: number; type: string }) => {
    const padding = (block - (header.size % block)) % block
    if (header.type === 'L') {
      // GNU long name: the next entry's name is this entry's data.
      entry = { remaining: header.size, padding, sink: 'name', name: [] }
      return
    }
    const name = longName ?? header.name
    longName = undefined
    const isTarget = header.type === '0' && matches(name, member)
    if (isTarget) {
      found()
    }
    entry = { remaining: header.size, padding, sink: isTarget ? 'file' : 'skip', name: [] }
  }
  /** Consumes entry data; false when more input is needed. */
  const consume = (): boolean => {
    if (!entry) {
      return true
    }
    const take = Math.min(entry.remaining, buf.length)
    const data = buf.subarray(0, take)
    if (entry.sink === 'file' && take > 0) {
      out.write(data)
    } else if (entry.sink === 'name') {
      entry.name.push(data)
    }
    entry.remaining -= take
    buf = buf.subarray(take)
    if (entry.remaining > 0 || buf.length < entry.padding) {
      return false
    }
    buf = buf.subarray(entry.padding)
    if (entry.sink === 'name') {
      longName = Buffer.concat(entry.name).toString('utf8').replace(/\0.*$/s, '')
    }
    entry = undefined
    return true
  }
  return new Writable({
    write(chunk: Buffer, _enc, done) {
      buf = Buffer.concat([buf, chunk])
      while (consume() && buf.length >= block) {
        const header = parseTarHeader(buf.subarray(0, block))
        buf = buf.subarray(block)
        if (header) {
          startEntry(header)
        }
      }
      done()
    },
  })
}

/** Extracts the regular file at path `member` inside the archive to `dest`. */
export async function extractTarGzMember(archive: string, member: string, dest: string): Promise<void> {
  let found = false
  const out = createWriteStream(dest, { mode: 0o755 })
  try {
    await pipeline(createReadStream(archive), createGunzip(), tarWalker(member, out, () => (found = true)))
  } catch (err) {
    out.destroy()
    await rm(dest, { force: true })
    throw new AppError('LAB_ERR_DOWNLOAD_FAILED', { message: `The archive ${archive} cannot be unpacked.`, hint: 'Delete it and run `kindlab tools install` again.', cause: err })
  }
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())))
  if (!found) {
    await rm(dest, { force: true })
    throw new AppError('LAB_ERR_DOWNLOAD_FAILED', { message: `The archive ${archive} has no file named ${member}.`, hint: 'The release layout changed; report it.' })
  }
}
