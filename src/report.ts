// The Report is the only thing that flows from checks to renderers: plain, frozen data.
// It knows no check by name: each result carries its check's own facts, which only that
// check's module reads (src/checks/).

export type Status = 'pass' | 'warn' | 'fail'

/** Which reading of the Report: `/health` is lenient on revision mismatch, `/health/schema` and `check` are strict. */
export type View = 'health' | 'schema'

export interface CheckResult<F = unknown> {
  readonly name: string
  /** Status as `/health` reads it. */
  readonly status: Status
  /** Status as `/health/schema` and `check` read it (revision mismatch is `fail`). */
  readonly strictStatus: Status
  readonly observedValue?: number
  readonly observedUnit?: string
  /** One line for people; present when the check did not pass or has something to say. */
  readonly output?: string
  /**
   * The check could not do its job: it threw or hit the deadline (counted in
   * `check_errors_total`; `check` exits 2). The one convention for "could not check".
   */
  readonly errored: boolean
  readonly durationMs: number
  /** End of the check, ISO 8601. */
  readonly time: string
  /** What the check found, in its own shape; absent when it errored or was skipped. */
  readonly facts?: F
}

/** Which expectation a round checked against: the files baked in at start, or one a deploy posted (POST /check?adopt=true). */
export interface ExpectationInForce {
  readonly source: 'file' | 'posted'
  /** The X-Release-Id of the deploy that posted it. */
  readonly release?: string
  /** When it came into force, Unix ms. */
  readonly since: number
}

export interface Report {
  readonly version: string
  readonly releaseId?: string
  readonly startedAt: number
  readonly finishedAt: number
  /** The round reached the database: every check that gates the others passed. */
  readonly up: boolean
  readonly checks: readonly CheckResult[]
  /** Checks that errored or timed out since the process started, by check name. */
  readonly errorsTotal: Readonly<Record<string, number>>
  readonly expectation?: ExpectationInForce
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

/**
 * The outputs of the checks at the worst status, joined, each text once: the one-line summary
 * of a report (an unreachable database skips every other check with the same output).
 */
export function summary (report: Report, view: View): string | undefined {
  const status = overallStatus(report, view)
  if (status === 'pass') return undefined
  const outputs = new Set(report.checks.filter((c) => checkStatus(c, view) === status && c.output !== undefined).map((c) => c.output))
  return outputs.size > 0 ? [...outputs].join('; ') : status
}

export function deepFreeze<T> (value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value)
    for (const v of Object.values(value as object)) deepFreeze(v)
  }
  return value
}
