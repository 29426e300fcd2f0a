// What reading the Alembic configuration and version locations found odd but survivable:
// the heads are still right. Each names the file (and line) it is about.

export type AlembicWarningKind =
  /** branch_labels is not a literal, and nothing refers to a label we could not read. */
  | 'unreadable_branch_labels'
  /** The same file reached through two version locations (Alembic reads it once, and warns). */
  | 'loaded_twice'
  /** .py files in subfolders of a location while recursive_version_locations is off. */
  | 'subfolders_not_read'
  /** A boolean setting written as True/yes/1: Alembic only takes the exact word `true`. */
  | 'boolean_not_true'

export interface AlembicWarning {
  readonly kind: AlembicWarningKind
  readonly file: string
  readonly line?: number
  readonly key?: string
  /** Other facts: the value written, the count of unread files, an example path. */
  readonly value?: string
  readonly count?: number
  readonly example?: string
}

/** One line for people, built from the facts. */
export function describeWarning (w: AlembicWarning): string {
  const where = `${w.file}${w.line !== undefined ? `: line ${w.line}` : ''}`
  switch (w.kind) {
    case 'unreadable_branch_labels':
      return `${where}: branch_labels cannot be read statically; nothing refers to it, so the heads do not depend on it`
    case 'loaded_twice':
      return `${where}: reached through two version locations; read once (make version_locations unique)`
    case 'subfolders_not_read':
      return `${where}: ${w.count ?? 0} .py file${w.count === 1 ? '' : 's'} in subfolders (e.g. ${w.example ?? '?'}) that Alembic does not read: ` +
        'set recursive_version_locations = true in alembic.ini, or list those folders as version locations'
    case 'boolean_not_true':
      return `${where}: ${w.key ?? '?'} = ${w.value ?? ''} is off: Alembic takes only the exact word true`
  }
}
