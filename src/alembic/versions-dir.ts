// Reads an Alembic versions directory statically (no Python): every *.py at its top level,
// skipping the names Alembic skips (__init__*, editor lock files .#*).
import { readdir, readFile, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { VersionsDirError } from '../errors.js'
import { RevisionGraph } from './graph.js'
import { parseRevisionFile, type RevisionFile } from './parse-revision-file.js'

const REVISION_FILE = /^(?!\.#|__init__).*\.py$/
const READ_AT_ONCE = 32

export async function readVersionsDir (dir: string): Promise<RevisionGraph> {
  let names: string[]
  try {
    names = (await readdir(dir)).filter((n) => REVISION_FILE.test(n)).sort()
  } catch (err) {
    throw new VersionsDirError(dir, describeFsError(err, 'directory'), { cause: err })
  }
  const files: RevisionFile[] = []
  // A few files at a time: concurrent enough for hundreds of revisions, far below any fd limit.
  for (let i = 0; i < names.length; i += READ_AT_ONCE) {
    const batch = await Promise.allSettled(names.slice(i, i + READ_AT_ONCE).map((name) => readRevision(join(dir, name))))
    for (const result of batch) {
      if (result.status === 'rejected') throw result.reason // the first broken file by name, not by timing
      if (result.value !== undefined) files.push(result.value)
    }
  }
  if (files.length === 0) {
    const nested = await stat(join(dir, 'versions')).then((s) => s.isDirectory(), () => false)
    const hint = nested ? ` (did you mean ${join(dir, 'versions')}?)` : ' (expected the alembic/versions directory)'
    throw new VersionsDirError(dir, `contains no Alembic revision files${hint}`)
  }
  return RevisionGraph.fromRevisions(files)
}

async function readRevision (path: string): Promise<RevisionFile | undefined> {
  let source: string
  try {
    if (!(await stat(path)).isFile()) return undefined
    source = await readFile(path, 'utf8')
  } catch (err) {
    throw new VersionsDirError(path, describeFsError(err, 'file'), { cause: err })
  }
  return parseRevisionFile(source, path)
}

function describeFsError (err: unknown, what: 'directory' | 'file'): string {
  const code = (err as NodeJS.ErrnoException).code
  switch (code) {
    case 'ENOENT': return `no such ${what}`
    case 'ENOTDIR': return 'is not a directory'
    case 'EACCES': case 'EPERM': return `permission denied reading the ${what}`
    default: return `cannot read the ${what} (${code ?? (err as Error).message})`
  }
}
