// What alembic:revision finds, as its results carry it: read by the check's own presentation
// (alembic-present.ts) and by no renderer.
import type { PendingRevision } from '../alembic/pending.js'
import type { ExpectedHeads } from '../expectation.js'

export type AlembicState = 'current' | 'behind' | 'ahead' | 'diverged' | 'unknown' | 'unversioned' | 'not_checked'

export interface AlembicFacts {
  readonly state: AlembicState
  /** Rows of the version table (sorted); empty when the table is missing or empty. */
  readonly database: readonly string[]
  /** Expected heads (sorted); empty when nothing is configured. */
  readonly expected: readonly string[]
  readonly expectedSource?: ExpectedHeads['source']
  /** Revisions still to apply, when the state is `behind`. */
  readonly pending?: number
  /** When `behind`: the revisions still to apply in upgrade order, with their risky operations. */
  readonly pendingRevisions?: readonly PendingRevision[]
  /** When `behind`: destructive operations among them (take a backup first). */
  readonly pendingDestructive?: number
  /** .py files in the version locations without a revision: Alembic refuses to load them. */
  readonly looseScripts?: readonly string[]
  /** Values that could not be read statically but that the heads do not depend on, and the like. */
  readonly warnings?: readonly AlembicNote[]
  /** The versions directory has several heads and no merge. */
  readonly multipleHeads?: boolean
  readonly tableExists: boolean
  /** The version table as configured (ALEMBIC_VERSION_TABLE), for saying which one is missing or empty. */
  readonly versionTable?: string
}

export interface AlembicNote {
  readonly kind: string
  readonly file: string
  readonly line?: number
  /** One line for people, naming the file and line. */
  readonly message: string
}
