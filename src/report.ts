// The Report is the only thing that flows from checks to renderers: plain, frozen data.
import type { ExposureFacts } from './security/findings.js'

export type Status = 'pass' | 'warn' | 'fail'
export type CheckName = 'postgres:connectivity' | 'alembic:revision' | 'schema:drift' | 'security:exposure'
export const CHECK_NAMES: readonly CheckName[] = ['postgres:connectivity', 'alembic:revision', 'schema:drift', 'security:exposure']

/** Which reading of the Report: `/health` is lenient on revision mismatch, `/health/schema` and `check` are strict. */
export type View = 'health' | 'schema'

export type AlembicState = 'current' | 'behind' | 'ahead' | 'diverged' | 'unknown' | 'unversioned' | 'not_checked'

export interface AlembicFacts {
  readonly state: AlembicState
  /** Rows of the version table (sorted); empty when the table is missing or empty. */
  readonly database: readonly string[]
  /** Expected heads (sorted); empty when nothing is configured. */
  readonly expected: readonly string[]
  readonly expectedSource?: 'EXPECTED_REVISION' | 'ALEMBIC_VERSIONS_DIR' | 'manifest'
  /** Revisions still to apply, when the state is `behind`. */
  readonly pending?: number
  /** The versions directory has several heads and no merge. */
  readonly multipleHeads?: boolean
  readonly tableExists: boolean
}

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
}

export interface DriftFacts {
  readonly findings: readonly Finding[]
  /** Tables and columns compared (for the CLI summary). */
  readonly tablesCompared: number
  readonly columnsCompared: number
}

export interface CheckResult {
  readonly name: CheckName
  /** Status as `/health` reads it. */
  readonly status: Status
  /** Status as `/health/schema` and `check` read it (revision mismatch is `fail`). */
  readonly strictStatus: Status
  readonly observedValue?: number
  readonly observedUnit?: string
  /** One line for people; present when the check did not pass or has something to say. */
  readonly output?: string
  /** The check threw or hit the deadline (counted in `check_errors_total`). */
  readonly errored: boolean
  readonly durationMs: number
  /** End of the check, ISO 8601. */
  readonly time: string
  readonly alembic?: AlembicFacts
  readonly drift?: DriftFacts
  readonly exposure?: ExposureFacts
}

export interface Report {
  readonly version: string
  readonly releaseId?: string
  readonly startedAt: number
  readonly finishedAt: number
  /** The round reached the database. */
  readonly up: boolean
  readonly checks: readonly CheckResult[]
  /** Checks that errored or timed out since the process started, by check name. */
  readonly errorsTotal: Readonly<Record<string, number>>
}

const RANK: Record<Status, number> = { pass: 0, warn: 1, fail: 2 }

export function worst (statuses: Iterable<Status>): Status {
  let out: Status = 'pass'
  for (const s of statuses) if (RANK[s] > RANK[out]) out = s
  return out
}

export function checkStatus (check: CheckResult, view: View): Status {
  return view === 'schema' ? check.strictStatus : check.status
}

export function overallStatus (report: Report, view: View): Status {
  return worst(report.checks.map((c) => checkStatus(c, view)))
}

/** The outputs of the checks at the worst status, joined: the one-line summary of a report. */
export function summary (report: Report, view: View): string | undefined {
  const status = overallStatus(report, view)
  if (status === 'pass') return undefined
  const outputs = report.checks.filter((c) => checkStatus(c, view) === status && c.output !== undefined).map((c) => c.output)
  return outputs.length > 0 ? outputs.join('; ') : status
}

export function deepFreeze<T> (value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value)
    for (const v of Object.values(value as object)) deepFreeze(v)
  }
  return value
}
