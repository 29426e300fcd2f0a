// The one shape every check has. Checks return results; the round runner times them,
// enforces the deadline and turns what they throw into `fail` results.
import type { Config } from '../config.js'
import type { Expectation } from '../expectation.js'
import type { Db } from '../postgres/lease.js'
import type { DriftMemo } from '../schema/drift-memo.js'
import type { AlembicFacts, CheckName, DriftFacts, Status } from '../report.js'
import type { ExposureFacts } from '../security/findings.js'

export interface CheckContext {
  readonly db: Db
  readonly config: Config
  readonly expectation: Expectation
  /** What checks keep between the rounds of one monitor; absent, every round starts afresh. */
  readonly memory?: CheckMemory
}

export interface CheckMemory {
  drift?: DriftMemo
}

/** What a check itself decides; the runner adds name, timing and error accounting. */
export interface CheckOutcome {
  readonly status: Status
  /** Defaults to `status`. */
  readonly strictStatus?: Status
  readonly observedValue?: number
  readonly observedUnit?: string
  readonly output?: string
  readonly alembic?: AlembicFacts
  readonly drift?: DriftFacts
  readonly exposure?: ExposureFacts
}

export interface Check {
  readonly name: CheckName
  /** When this check fails, the database is unreachable and the others are skipped. */
  readonly gatesOthers?: boolean
  run (ctx: CheckContext, signal: AbortSignal): Promise<CheckOutcome>
}
