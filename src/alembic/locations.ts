// Which files Alembic loads from its version locations (Script._list_py_dir and _from_path):
// each location's files sorted by name, then, with recursive_version_locations, its subfolders
// in name order (symlinked folders are not entered; files of a __pycache__ folder are skipped).
// A name must match (?!\.#|__init__)(.*\.py)$; with `sourceless`, compiled .pyc/.pyo files
// (also in __pycache__) load when no source sits beside them. Bounded: folder entries and
// revision files are counted, and reading stops with one error past the limits.
import { opendir, stat } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { SourcelessRevisionError, TooManyFilesError, UnreadablePathError, type FsProblem } from './errors.js'

// Python's `.` excludes only \n, and its `$` also matches before a final \n.
const SOURCE = /^(?!\.#|__init__)[^\n]*\.py\n?$/
const COMPILED = /^(?!\.#|__init__)([^\n]*\.py)([co])?\n?$/

export const MAX_REVISION_FILES = 10_000
export const MAX_FOLDER_ENTRIES = 100_000

export interface Listing {
  /** Source files Alembic would load, in its order. */
  readonly files: string[]
  /** With recursion off: .py files in subfolders that Alembic does not read (count and one example). */
  readonly unread?: { readonly count: number, readonly example: string }
}

export interface Budget { entries: number, files: number }

interface Folder { readonly files: string[], readonly dirs: string[] }

export interface ListOptions {
  readonly recursive: boolean
  readonly sourceless: boolean
  /** Other version locations: their files are read anyway, so not "unread". */
  readonly locations?: ReadonlySet<string>
}

export async function listLocation (location: string, opts: ListOptions, budget: Budget): Promise<Listing> {
  const files: string[] = []
  const queue = [location]
  let unread: Listing['unread']
  while (queue.length > 0) {
    const dir = queue.shift()!
    const folder = await readFolder(dir, location, budget)
    if (!dir.endsWith('__pycache__')) {
      for (const name of folder.files) {
        if (!SOURCE.test(name)) continue
        if (++budget.files > MAX_REVISION_FILES) throw new TooManyFilesError(location, 'revision files', MAX_REVISION_FILES)
        files.push(join(dir, name))
      }
      if (opts.sourceless) await refuseCompiled(dir, folder, location, budget)
    }
    if (opts.recursive) queue.unshift(...folder.dirs.map((d) => join(dir, d)))
    else if (dir === location) unread = await countUnread(folder.dirs.map((d) => join(dir, d)), opts.locations ?? new Set())
  }
  return { files, ...(unread !== undefined && unread.count > 0 ? { unread } : {}) }
}

/** Alembic loads a .pyc/.pyo unless its .py (or, for .pyo, its .pyc) is beside it; we cannot read those. */
async function refuseCompiled (dir: string, folder: Folder, location: string, budget: Budget): Promise<void> {
  const present = new Set(folder.files)
  for (const name of folder.files) {
    const m = COMPILED.exec(name)
    if (m === null || m[2] === undefined) continue
    if (present.has(m[1]!) || (m[2] === 'o' && present.has(`${m[1]!}c`))) continue
    throw new SourcelessRevisionError(join(dir, name))
  }
  if (!folder.dirs.includes('__pycache__')) return
  const stems = new Set(folder.files.map((n) => n.split('.')[0]))
  const cache = await readFolder(join(dir, '__pycache__'), location, budget)
  const loaded = cache.files.find((n) => !stems.has(n.split('.')[0]) && COMPILED.test(n))
  if (loaded !== undefined) throw new SourcelessRevisionError(join(dir, '__pycache__', loaded))
}

/** Names in one folder: files (and links to them) apart from folders; links to folders are neither (not entered). */
async function readFolder (dir: string, location: string, budget: Budget): Promise<Folder> {
  const files: string[] = []
  const dirs: string[] = []
  let handle
  try {
    handle = await opendir(dir, { bufferSize: 256 })
  } catch (err) {
    throw fsError(dir, 'directory', err)
  }
  for await (const entry of handle) {
    if (++budget.entries > MAX_FOLDER_ENTRIES) {
      throw new TooManyFilesError(location, 'folder entries', MAX_FOLDER_ENTRIES)
    }
    if (entry.isDirectory()) {
      dirs.push(entry.name)
    } else if (entry.isSymbolicLink()) {
      const target = await stat(join(dir, entry.name)).catch(() => undefined)
      if (target?.isDirectory() !== true) files.push(entry.name) // a link to a file, or a broken one Alembic would fail on too
    } else {
      files.push(entry.name)
    }
  }
  files.sort()
  dirs.sort()
  return { files, dirs }
}

/** .py files under `dirs` (a bounded look, for the warning only; never an error). */
async function countUnread (dirs: readonly string[], locations: ReadonlySet<string>): Promise<{ count: number, example: string }> {
  const budget: Budget = { entries: 0, files: 0 }
  const queue = dirs.filter((d) => !locations.has(resolve(d)))
  let count = 0
  let example = ''
  try {
    while (queue.length > 0 && budget.entries < MAX_FOLDER_ENTRIES / 10) {
      const dir = queue.shift()!
      const folder = await readFolder(dir, dir, budget)
      if (!dir.endsWith('__pycache__')) {
        for (const name of folder.files.filter((n) => SOURCE.test(n))) {
          if (count++ === 0) example = join(dir, name)
        }
      }
      queue.push(...folder.dirs.map((d) => join(dir, d)).filter((d) => !locations.has(resolve(d))))
    }
  } catch {
    // an unreadable subfolder only makes the count smaller
  }
  return { count, example }
}

export function fsError (path: string, what: 'directory' | 'file', err: unknown): UnreadablePathError {
  const code = (err as NodeJS.ErrnoException).code
  const problem: FsProblem = code === 'ENOENT'
    ? 'missing'
    : code === 'ENOTDIR' ? 'not_directory' : code === 'EACCES' || code === 'EPERM' ? 'permission' : 'other'
  return new UnreadablePathError(path, what, problem, code ?? (err as Error).message, { cause: err })
}
