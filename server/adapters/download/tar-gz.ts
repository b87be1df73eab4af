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

/** Walks tar entries fed in chunks and copies the one at path `member` into `out`. */
class TarWalker {
  private buf = Buffer.alloc(0)
  private entry: { remaining: number; padding: number; sink: Sink; name: Buffer[] } | undefined
  private longName: string | undefined
  found = false

  constructor(
    private readonly member: string,
    private readonly out: WriteStream,
  ) {}

  push(chunk: Buffer): void {
    this.buf = Buffer.concat([this.buf, chunk])
    while (this.consume() && this.buf.length >= block) {
      const header = parseTarHeader(this.buf.subarray(0, block))
      this.buf = this.buf.subarray(block)
      if (header) {
        this.startEntry(header)
      }
    }
  }

  private startEntry(header: { name: string; size: number; type: string }): void {
    const padding = (block - (header.size % block)) % block
    if (header.type === 'L') {
      // GNU long name: the next entry's name is this entry's data.
      this.entry = { remaining: header.size, padding, sink: 'name', name: [] }
      return
    }
    const name = this.longName ?? header.name
    this.longName = undefined
    const isTarget = header.type === '0' && !this.found && matches(name, this.member)
    this.found ||= isTarget
    this.entry = { remaining: header.size, padding, sink: isTarget ? 'file' : 'skip', name: [] }
  }

  /** Consumes entry data; false when more input is needed. */
  private consume(): boolean {
    const entry = this.entry
    if (!entry) {
      return true
    }
    const take = Math.min(entry.remaining, this.buf.length)
    const data = this.buf.subarray(0, take)
    if (entry.sink === 'file' && take > 0) {
      this.out.write(data)
    } else if (entry.sink === 'name') {
      entry.name.push(data)
    }
    entry.remaining -= take
    this.buf = this.buf.subarray(take)
    if (entry.remaining > 0 || this.buf.length < entry.padding) {
      return false
    }
    this.buf = this.buf.subarray(entry.padding)
    if (entry.sink === 'name') {
      this.longName = Buffer.concat(entry.name).toString('utf8').replace(/\0.*$/s, '')
    }
    this.entry = undefined
    return true
  }
}

/** Extracts the regular file at path `member` inside the archive to `dest`. */
export async function extractTarGzMember(archive: string, member: string, dest: string): Promise<void> {
  const out = createWriteStream(dest, { mode: 0o755 })
  const walker = new TarWalker(member, out)
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      walker.push(chunk)
      // Back-pressure: do not read more of the archive while the output file is behind.
      if (out.writableNeedDrain) {
        out.once('drain', () => done())
      } else {
        done()
      }
    },
  })
  try {
    await pipeline(createReadStream(archive), createGunzip(), sink)
  } catch (err) {
    out.destroy()
    await rm(dest, { force: true })
    throw new AppError('LAB_ERR_DOWNLOAD_FAILED', {
      message: `The archive ${archive} cannot be unpacked.`,
      hint: 'Delete it and run `kindlab tools install` again.',
      cause: err,
    })
  }
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())))
  if (!walker.found) {
    await rm(dest, { force: true })
    throw new AppError('LAB_ERR_DOWNLOAD_FAILED', {
      message: `The archive ${archive} has no file named ${member}.`,
      hint: 'The release layout changed; report it.',
    })
  }
}
