// What schema:drift reports: the finding kinds of the contract, their default severities and
// the fields a finding carries. report.ts re-exports these for the renderers.

export const FINDING_KINDS = [
  'missing_table', 'missing_column', 'type_mismatch', 'nullability_mismatch',
  'default_mismatch', 'extra_table', 'extra_column',
  'missing_primary_key', 'missing_unique', 'missing_foreign_key', 'foreign_key_mismatch',
  'missing_index', 'index_mismatch', 'invalid_index', 'missing_check', 'check_mismatch',
  'missing_enum', 'missing_enum_value', 'enum_order_mismatch',
  'extra_index', 'extra_unique', 'extra_foreign_key', 'extra_check', 'extra_enum_value',
  'rls_mismatch', 'missing_policy', 'policy_mismatch', 'extra_policy', 'missing_grant', 'extra_grant'
] as const
export type FindingKind = typeof FINDING_KINDS[number]
export type Severity = 'fail' | 'warn' | 'info'
export const SEVERITIES: readonly Severity[] = ['fail', 'warn', 'info']

export const DRIFT_SEVERITY: Readonly<Record<FindingKind, Severity>> = Object.freeze({
  missing_table: 'fail',
  missing_column: 'fail',
  type_mismatch: 'warn',
  nullability_mismatch: 'warn',
  default_mismatch: 'info',
  extra_table: 'info',
  extra_column: 'info',
  missing_primary_key: 'fail',
  missing_unique: 'fail',
  missing_enum: 'fail',
  missing_enum_value: 'fail',
  missing_foreign_key: 'warn',
  foreign_key_mismatch: 'warn',
  missing_index: 'warn',
  index_mismatch: 'warn',
  missing_check: 'warn',
  check_mismatch: 'warn',
  invalid_index: 'warn',
  extra_index: 'info',
  extra_unique: 'info',
  extra_foreign_key: 'info',
  extra_check: 'info',
  extra_enum_value: 'info',
  enum_order_mismatch: 'info',
  // Row-level security and grants (diff-security.ts). rls_mismatch is fail when the manifest
  // wants RLS on and it is off, warn the other way round (unless DRIFT_SEVERITY overrides it).
  rls_mismatch: 'fail',
  missing_policy: 'warn',
  policy_mismatch: 'warn',
  extra_policy: 'info',
  missing_grant: 'fail',
  extra_grant: 'warn'
})

export interface ColumnShape {
  readonly type?: string
  readonly nullable?: boolean
  readonly default?: string | null
}

/** What differs about a key, constraint, index or enum (only the fields that matter to the finding). */
export interface ObjectShape {
  readonly columns?: readonly string[]
  readonly unique?: boolean
  readonly using?: string
  readonly where?: string | null
  readonly valid?: boolean
  readonly references?: { readonly table: string, readonly columns: readonly string[] }
  readonly on_delete?: string
  readonly on_update?: string
  readonly expression?: string
  readonly labels?: readonly string[]
}

/** What differs about a table's row-level security or one of its policies. */
export interface SecurityShape {
  readonly rls?: boolean
  readonly force_rls?: boolean
  /** A policy: `all`, `select`, `insert`, `update` or `delete`. */
  readonly command?: string
  readonly permissive?: boolean
  readonly roles?: readonly string[]
  /** As written (expected) or as PostgreSQL prints it (actual); null: none. */
  readonly using?: string | null
  readonly with_check?: string | null
}

export interface Finding {
  readonly kind: FindingKind
  readonly severity: Severity
  /** Schema-qualified table name; absent for enum findings. */
  readonly table?: string
  /** Schema-qualified enum type, for enum findings. */
  readonly type?: string
  readonly column?: string
  /** Key, constraint or index columns, in definition order. */
  readonly columns?: readonly string[]
  /** Constraint or index name. */
  readonly name?: string
  /** The enum label. */
  readonly value?: string
  /** For grant findings: the role (`PUBLIC` for everyone) and the privileges missing or extra. */
  readonly role?: string
  readonly privileges?: readonly string[]
  readonly expected?: ColumnShape | ObjectShape | SecurityShape
  readonly actual?: ColumnShape | ObjectShape | SecurityShape
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

/** A finding without the parts the diff adds (kind, severity, message). */
export type FindingFields = Omit<Finding, 'kind' | 'severity' | 'message'>
export type Add = (kind: FindingKind, fields: FindingFields, message: string) => void

export interface DriftFacts {
  readonly findings: readonly Finding[]
  /** Tables and columns compared (for the CLI summary). */
  readonly tablesCompared: number
  readonly columnsCompared: number
  /**
   * Live tables whose columns this round read from the catalog: all of them in a first round,
   * the changed ones later, 0 when the catalog was unchanged and the last result stood.
   */
  readonly tablesRead?: number
}
