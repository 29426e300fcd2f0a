// Reads a file of at most `max` bytes without ever holding more: a huge file, or /dev/zero
// given as a manifest, is one clear line instead of exhausted memory.
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
    const { size } = await handle.stat()
    if (size > max) throw new FileTooLarge(max)
    const chunks: Buffer[] = []
    let total = 0
    // The first read asks for the size fstat gave and a byte more (to meet the end): a regular
    // file comes in one buffer, decoded as it is rather than copied into another first (an
    // 11 MB manifest at 5,000 tables); a pipe, a device or a file that grew goes on in chunks.
    let want = size > 0 ? size + 1 : 1 << 20
    for (;;) {
      const { bytesRead, buffer } = await handle.read({ buffer: Buffer.allocUnsafe(Math.min(want, max + 1 - total)) })
      if (bytesRead === 0) break
      chunks.push(buffer.subarray(0, bytesRead))
      total += bytesRead
      if (total > max) throw new FileTooLarge(max)
      want = 1 << 20
    }
    return (chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, total)).toString('utf8')
  } finally {
    await handle.close()
  }
}
