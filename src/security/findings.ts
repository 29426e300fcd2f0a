// The facts of security:exposure: what the Data API's roles can reach that row-level security
// does not guard. Plain data, part of the Report; this module imports nothing, so report.ts can
// refer to it without a cycle.

export const EXPOSURE_KINDS = ['exposed_without_rls', 'rls_without_policy', 'exposed_definer_view'] as const
export type ExposureKind = typeof EXPOSURE_KINDS[number]

/** Same values as the Report's Severity. */
export type ExposureSeverity = 'fail' | 'warn' | 'info'

export const EXPOSURE_SEVERITY: Readonly<Record<ExposureKind, ExposureSeverity>> = Object.freeze({
  // Anyone with the public anon key reads (or writes) every row.
  exposed_without_rls: 'fail',
  // The view runs as its owner, past the row-level security of the tables under it.
  exposed_definer_view: 'warn',
  // Deny-all: the API roles see no rows. Often meant (a table only the service role uses).
  rls_without_policy: 'info'
})

export type ExposedRelation = 'table' | 'partitioned table' | 'view'

export type Privilege = 'select' | 'insert' | 'update' | 'delete'

export interface ExposureFinding {
  readonly kind: ExposureKind
  readonly severity: ExposureSeverity
  /** Schema-qualified name of the table or view. */
  readonly table: string
  readonly relation: ExposedRelation
  /** Exposed role -> what it may do with the relation (only roles that may do something). */
  readonly grants: Readonly<Record<string, readonly Privilege[]>>
  readonly message: string
}

export interface ExposureFacts {
  /** `not_checked`: none of the exposed roles exists (a plain PostgreSQL, not Supabase). */
  readonly state: 'checked' | 'not_checked'
  /** The exposed roles that exist, sorted: the ones checked. */
  readonly roles: readonly string[]
  /** Exposed roles configured but absent from the database. */
  readonly missingRoles: readonly string[]
  readonly schemas: readonly string[]
  /** Tables, partitioned tables and views that an exposed role can reach. */
  readonly reachable: number
  /** Worst first (exposed tables first), then by name. */
  readonly findings: readonly ExposureFinding[]
}
