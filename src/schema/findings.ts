// What schema:drift finds: the kinds, their severities and the shape of a finding. Plain data,
// shared by the diff that makes findings, the configuration that overrides severities, and the
// check that presents them.

export const FINDING_KINDS = [
  'missing_table', 'missing_column', 'type_mismatch', 'nullability_mismatch',
  'default_mismatch', 'extra_table', 'extra_column'
] as const
export type FindingKind = typeof FINDING_KINDS[number]
export type Severity = 'fail' | 'warn' | 'info'
export const SEVERITIES: readonly Severity[] = ['fail', 'warn', 'info']

export interface ColumnShape {
  readonly type?: string
  readonly nullable?: boolean
  readonly default?: string | null
}

export interface Finding {
  readonly kind: FindingKind
  readonly severity: Severity
  /** Schema-qualified table name. */
  readonly table: string
  readonly column?: string
  readonly expected?: ColumnShape
  readonly actual?: ColumnShape
  readonly message: string
  /** The forward fix, when there is one (src/schema/fixes/); comments only where it would lose data. */
  readonly fix?: FindingFix
}

export interface FindingFix {
  /** SQL statements (or comments) that bring the database to the expectation. */
  readonly sql: string
  /** The same as Alembic operations, for the migration that must follow a hotfix. */
  readonly alembic: string
}

export interface DriftFacts {
  readonly findings: readonly Finding[]
  /** Tables and columns compared (for the CLI summary). */
  readonly tablesCompared: number
  readonly columnsCompared: number
}
