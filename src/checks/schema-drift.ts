// schema:drift: the manifest (what the code expects) against the live catalog.
import { catalogTables, readTableHashes, SUPABASE_SCHEMAS, tableKey, type HashedTable } from '../schema/catalog.js'
import { readEnums } from '../schema/catalog-objects.js'
import { readSecurity } from '../schema/catalog-security.js'
import { SchemaDiff, schemasToRead, type DiffOptions } from '../schema/diff.js'
import { compareSecurity, wantsSecurity } from '../schema/diff-security.js'
import { DriftMemo, type Remembered } from '../schema/drift-memo.js'
import { findingGroups, findingLines, findingObject } from '../schema/drift-present.js'
import { FINDING_KINDS, SEVERITIES, type DriftFacts, type Finding } from '../schema/findings.js'
import { withFixes } from '../schema/fixes/registry.js'
import { badge, esc } from '../render/html-escape.js'
import { worst, type Status } from '../report.js'
import type { Db } from '../postgres/lease.js'
import { readFingerprint } from '../schema/fingerprint.js'
import type { Check, CheckOutcome, CheckRun } from './check.js'

/** "1 table", "2 tables": the summaries are read by people. */
const count = (n: number, noun: string): string => `${n} ${noun}${n === 1 ? '' : 's'}`

export const NOT_CONFIGURED_OUTPUT = 'not checked: no manifest configured (EXPECTED_SCHEMA)'

const STATUS_OF = { fail: 'fail', warn: 'warn', info: 'pass' } as const

export const schemaDrift: Check<DriftFacts, 'schema:drift'> = {
  name: 'schema:drift',
  prepare (config, expectation): CheckRun<DriftFacts> {
    const manifest = expectation.schema
    if (manifest === undefined) {
      return { run: async () => ({ status: 'pass', observedValue: 0, observedUnit: 'findings', output: NOT_CONFIGURED_OUTPUT }) }
    }
    const opts: DiffOptions = {
      schemas: config.schemas,
      severity: config.driftSeverity,
      alembicVersionTable: config.alembicVersionTable,
      managedSchemas: SUPABASE_SCHEMAS
    }
    const schemas = schemasToRead(manifest, opts)
    const security = wantsSecurity(manifest)
    const diff = new SchemaDiff(manifest, opts)
    // This check's memory across rounds: one per prepare, so it never outlives its manifest or configuration.
    const memo = new DriftMemo<CheckOutcome<DriftFacts>>()

    /** Everything this check reads of the catalog (fingerprint.ts must cover all of it). */
    const read = async (db: Db, signal: AbortSignal): Promise<{ next: Map<string, Remembered>, outcome: CheckOutcome<DriftFacts> }> => {
      const next = new Map<string, Remembered>()
      let tablesRead = 0
      const compare = ({ table, hash }: HashedTable): void => {
        signal.throwIfAborted()
        tablesRead++
        next.set(tableKey(table.schema, table.name), { hash, drift: diff.table(table) })
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
        signal.throwIfAborted()
        // The same snapshot as the digests (the transaction is REPEATABLE READ).
        for await (const live of catalogTables(db, schemas, { oids: changed })) compare(live)
      }
      // Enums are few and not per table: read whole when the catalog changed.
      const enums = manifest.enums !== undefined
        ? diff.enums(new Map((await readEnums(db, schemas)).map((e) => [tableKey(e.schema, e.name), e])))
        : []
      // Row-level security and grants: one set-based read, only when the manifest has them.
      const secured = security ? compareSecurity(manifest, await readSecurity(db, schemas), opts) : []
      const facts = withFixes(diff.facts([...next.values()].map((r) => r.drift), new Set(next.keys()), [...enums, ...secured]), manifest, config.schemas)
      return { next, outcome: driftOutcome({ ...facts, tablesRead }) }
    }

    return {
      async run ({ db }, signal) {
        // First, in the check's snapshot: a change committed after it shows in the next round's.
        const fingerprint = await readFingerprint(db)
        const now = Date.now()
        const kept = memo.reuse(fingerprint, now)
        if (kept !== undefined) return { ...kept, facts: { ...kept.facts!, tablesRead: 0 } }
        const { next, outcome } = await read(db, signal)
        memo.replace(next, fingerprint, outcome, now)
        return outcome
      }
    }
  },

  // Fixes belong to /health/schema (and check, diff, the status page): uptime monitors poll
  // /health, where a finding is enough, and its body is half as big without them.
  health: (d, view) => ({ findings: view === 'schema' ? d.findings : d.findings.map(({ fix, ...finding }) => finding) }),

  text: (d) => ({
    line: `${count(d.findings.length, 'finding')} (${count(d.tablesCompared, 'table')}, ${count(d.columnsCompared, 'column')} compared)`,
    // Grouped by table and by enum type (schema/drift-present.ts).
    more: findingLines(d.findings, '')
  }),

  htmlSummary: (d) => count(d.findings.length, 'finding'),

  htmlSection (d) {
    const compared = `<p class="muted">${esc(count(d.tablesCompared, 'table'))} and ${esc(count(d.columnsCompared, 'column'))} compared.</p>`
    if (d.findings.length === 0) return `<section id="drift">\n<h2>Schema drift</h2>\n<p>No drift found.</p>\n${compared}\n</section>`
    const tables = findingGroups(d.findings).map((g) => `<h3>${g.subject === 'enum' ? 'enum ' : ''}<code>${esc(g.name)}</code></h3>
<table><thead><tr><th>Severity</th><th>Kind</th><th>${g.subject === 'enum' ? 'Label' : 'Object'}</th><th>Finding</th></tr></thead>
<tbody>
${g.findings.map(findingRow).join('\n')}
</tbody></table>`)
    return `<section id="drift">
<h2>Schema drift: ${count(d.findings.length, 'finding')}</h2>
${compared}
${tables.join('\n')}
</section>`
  },

  metrics: (d) => [{
    name: 'drift_findings',
    type: 'gauge',
    help: 'Schema drift findings of the last round.',
    samples: FINDING_KINDS.flatMap((kind) => SEVERITIES.map((severity) => ({
      labels: { kind, severity },
      value: (d?.findings ?? []).filter((f) => f.kind === kind && f.severity === severity).length
    })))
  }]
}

/** Status is the worst severity (info never lowers it); output is the worst finding, and how many more. */
export function driftOutcome (drift: DriftFacts): CheckOutcome<DriftFacts> {
  const status: Status = worst(drift.findings.map((f) => STATUS_OF[f.severity]))
  const rank = { fail: 0, warn: 1, info: 2 }
  const first = [...drift.findings].sort((a, b) => rank[a.severity] - rank[b.severity])[0]
  const more = drift.findings.length - 1
  return {
    status,
    observedValue: drift.findings.length,
    observedUnit: 'findings',
    facts: drift,
    ...(first !== undefined ? { output: more > 0 ? `${first.message} (and ${more} more)` : first.message } : {})
  }
}

function findingRow (f: Finding): string {
  const object = findingObject(f)
  const column = object !== undefined ? `<code>${esc(object)}</code>` : ''
  const fix = f.fix !== undefined ? `<pre class="fix"><code>${esc(f.fix.sql)}</code></pre>` : ''
  return `<tr data-kind="${esc(f.kind)}"><td>${badge(f.severity)}</td><td>${esc(f.kind)}</td><td>${column}</td><td>${esc(f.message)}${fix}</td></tr>`
}
