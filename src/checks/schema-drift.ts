// schema:drift: the manifest (what the code expects) against the live catalog.
import { catalogTables, SUPABASE_SCHEMAS } from '../schema/catalog.js'
import { schemasToRead, startDiff, type DiffOptions } from '../schema/diff.js'
import { worst, type DriftFacts, type Status } from '../report.js'
import type { Check, CheckOutcome } from './check.js'

export const NOT_CONFIGURED_OUTPUT = 'not checked: no manifest configured (EXPECTED_SCHEMA)'

const STATUS_OF = { fail: 'fail', warn: 'warn', info: 'pass' } as const

export const schemaDrift: Check = {
  name: 'schema:drift',
  async run ({ db, config, expectation }) {
    const manifest = expectation.schema
    if (manifest === undefined) return { status: 'pass', observedValue: 0, observedUnit: 'findings', output: NOT_CONFIGURED_OUTPUT }
    const opts: DiffOptions = {
      schemas: config.schemas,
      severity: config.driftSeverity,
      alembicVersionTable: config.alembicVersionTable,
      managedSchemas: SUPABASE_SCHEMAS
    }
    // Table by table as the cursor delivers them: the whole catalog is never in memory at once.
    const diff = startDiff(manifest, opts)
    for await (const live of catalogTables(db, schemasToRead(manifest, opts))) diff.table(live)
    return driftOutcome(diff.finish())
  }
}

/** Status is the worst severity (info never lowers it); output is the worst finding, and how many more. */
export function driftOutcome (drift: DriftFacts): CheckOutcome {
  const status: Status = worst(drift.findings.map((f) => STATUS_OF[f.severity]))
  const rank = { fail: 0, warn: 1, info: 2 }
  const first = [...drift.findings].sort((a, b) => rank[a.severity] - rank[b.severity])[0]
  const more = drift.findings.length - 1
  return {
    status,
    observedValue: drift.findings.length,
    observedUnit: 'findings',
    drift,
    ...(first !== undefined ? { output: more > 0 ? `${first.message} (and ${more} more)` : first.message } : {})
  }
}
