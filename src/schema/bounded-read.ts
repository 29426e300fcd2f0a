// Reads a file of at most `max` bytes without ever holding more: a huge file, or /dev/zero
// given as a manifest, is one clear line instead of exhausted memory.
import { readFileSync } from 'node:fs'
import { open } from 'node:fs/promises'

export class FileTooLarge extends Error {
  override name = 'FileTooLarge' as const
  constructor (readonly max: number) { super(`larger than ${max} bytes`) }
}

/** The file as UTF-8 text; throws FileTooLarge beyond `max` bytes (errno errors as they come). */
export async function readBounded (file: string, max: number): Promise<string> {
  const handle = await open(file, 'r')
  try {
    // A regular file says its size; a pipe or a device is read up to the limit.
    const stat = await handle.stat()
    if (stat.size > max) throw new FileTooLarge(max)
    // Node decodes a regular file straight into a string, with no Buffer of it in between: a
    // big manifest is not held twice while the service starts (about 11 MB at 5,000 tables).
    if (stat.isFile()) {
      const text = readFileSync(handle.fd, 'utf8')
      if (text.length > max) throw new FileTooLarge(max) // it grew since stat (a char is at least a byte)
      return text
    }
    const chunks: Buffer[] = []
    let total = 0
    for (;;) {
      const { bytesRead, buffer } = await handle.read({ buffer: Buffer.alloc(Math.min(1 << 20, max + 1 - total)) })
      if (bytesRead === 0) break
      chunks.push(buffer.subarray(0, bytesRead))
      total += bytesRead
      if (total > max) throw new FileTooLarge(max)
    }
    return Buffer.concat(chunks, total).toString('utf8')
  } finally {
    await handle.close()
  }
}
