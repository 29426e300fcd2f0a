// Reads a whole file only when it is at most `limit` bytes, without first loading a bigger one:
// the size comes from fstat of the open handle, and no more than limit + 1 bytes are read
// (a file growing under us is caught too).
import { constants } from 'node:fs'
import { open } from 'node:fs/promises'

export type Bounded =
  | { readonly ok: true, readonly data: Buffer }
  | { readonly ok: false, readonly problem: 'too_large', readonly bytes: number }
  /** A FIFO, socket or device: opened without blocking and never read. */
  | { readonly ok: false, readonly problem: 'not_a_file' }

/** Throws the file system's error (ENOENT, EISDIR, EACCES…) for the caller to name. */
export async function readBounded (path: string, limit: number): Promise<Bounded> {
  // O_NONBLOCK: opening a FIFO planted under a revision's name must not wait for a writer.
  const handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK)
  try {
    const info = await handle.stat()
    if (info.isDirectory()) throw Object.assign(new Error(`EISDIR: ${path}`), { code: 'EISDIR' })
    if (!info.isFile()) return { ok: false, problem: 'not_a_file' }
    const size = info.size
    if (size > limit) return { ok: false, problem: 'too_large', bytes: size }
    const buf = Buffer.allocUnsafe(Math.min(size, limit) + 1)
    let length = 0
    while (length < buf.length) {
      const { bytesRead } = await handle.read(buf, length, buf.length - length, length)
      if (bytesRead === 0) break
      length += bytesRead
    }
    if (length > limit) return { ok: false, problem: 'too_large', bytes: Math.max(length, size) }
    return { ok: true, data: buf.subarray(0, length) }
  } finally {
    await handle.close()
  }
}
