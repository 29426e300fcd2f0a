// Typed errors of the Alembic side: version locations and revision files. Each carries the
// facts (file, line, revision, key) and builds its own one-line message from them; tests and
// callers read the fields, never the text. alembic.ini errors are in ./config-errors.js.
import { basename } from 'node:path'
import { SentinelError } from '../errors.js'

/** Root of every Alembic error: a bad alembic.ini, version location or revision file. */
export class AlembicError extends SentinelError {
  override name: string = 'AlembicError'
}

/** Something wrong in a version location or a revision file; `file` is the file or folder at fault. */
export abstract class VersionsDirError extends AlembicError {
  override name: string = 'VersionsDirError'
  constructor (readonly file: string, problem: string, options?: { cause?: unknown }) {
    super(`${file}: ${problem}`, options)
  }
}

export type FsProblem = 'missing' | 'not_directory' | 'permission' | 'other'

/** A version location or revision file the file system would not give us. */
export class UnreadablePathError extends VersionsDirError {
  override name = 'UnreadablePathError' as const
  constructor (file: string, readonly what: 'directory' | 'file', readonly problem: FsProblem, readonly code?: string, options?: { cause?: unknown }) {
    super(file, {
      missing: `no such ${what}`,
      not_directory: 'is not a directory',
      permission: `permission denied reading the ${what}`,
      other: `cannot read the ${what} (${code ?? 'error'})`
    }[problem], options)
  }
}

/** No revision file anywhere in the version locations. */
export class NoRevisionsError extends VersionsDirError {
  override name = 'NoRevisionsError' as const
  /** `suggestion`: a `versions` folder inside the location, the likely meant one. */
  constructor (file: string, readonly suggestion?: string) {
    super(file, `contains no Alembic revision files ${suggestion !== undefined ? `(did you mean ${suggestion}?)` : '(expected the alembic/versions directory)'}`)
  }
}

/** More files or folder entries than we agree to look at. */
export class TooManyFilesError extends VersionsDirError {
  override name = 'TooManyFilesError' as const
  constructor (location: string, readonly what: 'revision files' | 'folder entries', readonly limit: number) {
    super(location, `has more than ${limit.toLocaleString('en-US')} ${what}; refusing to read them (is this the versions folder?)`)
  }
}

export class RevisionFileTooLargeError extends VersionsDirError {
  override name = 'RevisionFileTooLargeError' as const
  constructor (file: string, readonly bytes: number, readonly limit: number) {
    super(file, `is ${mib(bytes)}, over the ${mib(limit)} limit for a revision file`)
  }
}

export class RevisionFileTooDeepError extends VersionsDirError {
  override name = 'RevisionFileTooDeepError' as const
  constructor (file: string, readonly line: number, readonly limit: number) {
    super(file, `line ${line}: brackets nested more than ${limit} deep (Python refuses it too)`)
  }
}

/** A file Python itself could not tokenize: an unterminated string, a stray character. */
export class RevisionSyntaxError extends VersionsDirError {
  override name = 'RevisionSyntaxError' as const
  constructor (file: string, readonly line: number, readonly problem: 'unterminated_string' | 'unexpected_character', readonly character?: string) {
    super(file, `line ${line}: ${problem === 'unterminated_string' ? 'unterminated string' : `unexpected character ${JSON.stringify(character)}`}`)
  }
}

export type RevisionKey = 'revision' | 'down_revision' | 'branch_labels' | 'depends_on'
export const EXPECTED_VALUE = 'expected None, a string, or a tuple or list of strings'

/** A value the heads depend on that is not a literal: `down_revision = PARENT`, `revision += 'x'`. */
export class UnreadableValueError extends VersionsDirError {
  override name = 'UnreadableValueError' as const
  constructor (file: string, readonly line: number, readonly key: RevisionKey, readonly form: 'value' | 'augmented' | 'target', readonly operator?: string) {
    super(file, `line ${line}: ${{
      value: `${key} cannot be read (${EXPECTED_VALUE})`,
      augmented: `${key} is assigned with ${operator ?? '?='}, which cannot be read`,
      target: `${key} is assigned in a form that cannot be read (write ${key} = …)`
    }[form]}`)
  }
}

export type BadValue = 'not_a_string' | 'illegal_character' | 'empty_item'

/** A literal that Alembic would refuse: a tuple as revision id, `a-b` as id, `''` in a merge. */
export class InvalidValueError extends VersionsDirError {
  override name = 'InvalidValueError' as const
  constructor (file: string, readonly line: number, readonly key: RevisionKey, readonly problem: BadValue, readonly value?: string) {
    super(file, `line ${line}: ${{
      not_a_string: 'revision must be a non-empty string',
      illegal_character: `revision id "${value ?? ''}" contains one of @ - +, which Alembic does not allow`,
      empty_item: `${key} contains an empty string`
    }[problem]}`)
  }
}

export class MissingDownRevisionError extends VersionsDirError {
  override name = 'MissingDownRevisionError' as const
  constructor (file: string, readonly revision: string) {
    super(file, `revision ${revision} has no down_revision (use None for a base revision)`)
  }
}

/** `sourceless = true` and a compiled file with no source beside it: Alembic would load it, we cannot. */
export class SourcelessRevisionError extends VersionsDirError {
  override name = 'SourcelessRevisionError' as const
  constructor (file: string) {
    super(file, 'is a compiled revision without its .py source (sourceless = true); schema-sentinel reads source files only')
  }
}

/** Two files define one revision id. */
export class DuplicateRevisionError extends VersionsDirError {
  override name = 'DuplicateRevisionError' as const
  constructor (file: string, readonly revision: string, readonly otherFile: string) {
    super(file, `revision ${revision} is also defined in ${otherFile}`)
  }
}

/** A branch label that is also a revision id, or that two revisions claim. */
export class BranchLabelConflictError extends VersionsDirError {
  override name = 'BranchLabelConflictError' as const
  constructor (file: string, readonly label: string, readonly revision: string, readonly other: { revision: string, file?: string }, readonly conflict: 'revision_id' | 'label') {
    const named = other.file !== undefined ? `${other.revision} (${basename(other.file)})` : other.revision
    super(file, conflict === 'revision_id' ? `branch label ${label} is also the id of revision ${named}` : `branch label ${label} is also used by revision ${named}`)
  }
}

/** down_revision or depends_on names nothing we know. */
export class DanglingReferenceError extends VersionsDirError {
  override name = 'DanglingReferenceError' as const
  /** `labelOf`: the revision that carries `target` as a branch label (down_revision must name ids). */
  constructor (file: string, readonly revision: string, readonly key: 'down_revision' | 'depends_on', readonly target: string, readonly labelOf?: string) {
    super(file, key === 'down_revision'
      ? `down_revision of ${revision} names ${target}, which is not a revision in this directory${labelOf !== undefined ? `, only a branch label (down_revision must name a revision id: ${labelOf})` : ''}`
      : `depends_on of ${revision} names ${target}, which is neither a revision nor a branch label in this directory`)
  }
}

/**
 * A reference resolves to nothing, and a branch_labels value that could not be read statically
 * may be what it names: now the heads depend on that value. `file`/`line` are the unreadable ones.
 */
export class UnreadableLabelNeededError extends VersionsDirError {
  override name = 'UnreadableLabelNeededError' as const
  constructor (file: string, readonly line: number, readonly referencedBy: { readonly revision: string, readonly key: 'down_revision' | 'depends_on', readonly target: string, readonly file?: string }) {
    super(file, `line ${line}: branch_labels cannot be read statically, and ${referencedBy.key} of ${referencedBy.revision}` +
      `${referencedBy.file !== undefined ? ` (${basename(referencedBy.file)})` : ''} names ${referencedBy.target}, which may be one of them (write the labels as string literals)`)
  }
}

export class RevisionCycleError extends VersionsDirError {
  override name = 'RevisionCycleError' as const
  constructor (file: string, readonly cycle: readonly string[]) {
    super(file, `revisions form a cycle through down_revision/depends_on: ${cycle.join(' -> ')}`)
  }
}

function mib (bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1).replace(/\.0$/, '')} MiB` : `${Math.ceil(bytes / 1024)} KiB`
}
