// schema:drift: the manifest (what the code expects) against the live catalog.
import { catalogTables, readTableHashes, SUPABASE_SCHEMAS, tableKey, type HashedTable } from '../schema/catalog.js'
import { SchemaDiff, schemasToRead, type DiffOptions } from '../schema/diff.js'
import { DriftMemo, type Remembered } from '../schema/drift-memo.js'
import { withFixes } from '../schema/fixes/registry.js'
import { worst, type DriftFacts, type Status } from '../report.js'
import type { Check, CheckOutcome } from './check.js'

export const NOT_CONFIGURED_OUTPUT = 'not checked: no manifest configured (EXPECTED_SCHEMA)'

const STATUS_OF = { fail: 'fail', warn: 'warn', info: 'pass' } as const

export const schemaDrift: Check = {
  name: 'schema:drift',
  async run ({ db, config, expectation, memory }) {
    const manifest = expectation.schema
    if (manifest === undefined) return { status: 'pass', observedValue: 0, observedUnit: 'findings', output: NOT_CONFIGURED_OUTPUT }
    const opts: DiffOptions = {
      schemas: config.schemas,
      severity: config.driftSeverity,
      alembicVersionTable: config.alembicVersionTable,
      managedSchemas: SUPABASE_SCHEMAS
    }
    const schemas = schemasToRead(manifest, opts)
    const memo = memory?.drift?.fits(manifest, config) === true ? memory.drift : new DriftMemo(new SchemaDiff(manifest, opts), config)
    const next = new Map<string, Remembered>()
    const compare = ({ table, hash }: HashedTable): void => {
      next.set(tableKey(table.schema, table.name), { hash, drift: memo.diff.table(table) })
    }
    if (memo.size === 0) {
      // Table by table as the cursor delivers them: the whole catalog is never in memory at once.
      for await (const live of catalogTables(db, schemas)) compare(live)
    } else {
      const changed: string[] = []
      for (const { schema, name, oid, hash } of await readTableHashes(db, schemas)) {
        const key = tableKey(schema, name)
        const drift = memo.get(key, hash)
        if (drift !== undefined) next.set(key, { hash, drift })
        else changed.push(oid)
      }
      // A table changed (or dropped) between the two statements is read as it is now, with its
      // new digest, or missed until the next round.
      for await (const live of catalogTables(db, schemas, { oids: changed })) compare(live)
    }
    memo.replace(next)
    if (memory !== undefined) memory.drift = memo
    const facts = memo.diff.facts([...next.values()].map((r) => r.drift), new Set(next.keys()))
    return driftOutcome(withFixes(facts, manifest, config.schemas))
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
