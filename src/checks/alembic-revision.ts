// alembic:revision: the rows of the version table against the heads the code expects.
// Runs inside the round's READ ONLY transaction, where any error aborts the rest, so the
// table's existence is asked first (to_regclass never errors on a missing table).
import { compareRevisions, type Comparison } from '../alembic/compare.js'
import type { ExpectedHeads } from '../expectation.js'
import { esc } from '../render/escape.js'
import type { Status } from '../report.js'
import type { Check, CheckOutcome } from './check.js'

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
  /** The versions directory has several heads and no merge. */
  readonly multipleHeads?: boolean
  readonly tableExists: boolean
}

const TABLE_EXISTS = 'SELECT to_regclass($1) IS NOT NULL AS exists'
const versionsQuery = (table: string): string => `SELECT version_num FROM ${table}`

const quoteIdent = (name: string): string => `"${name.replace(/"/g, '""')}"`

export const alembicRevision: Check<AlembicFacts, 'alembic:revision'> = {
  name: 'alembic:revision',
  prepare (config, expectation) {
    const { schema, table } = config.alembicVersionTable
    const display = schema !== undefined ? `${schema}.${table}` : table
    const qualified = [schema, table].filter((p) => p !== undefined).map(quoteIdent).join('.')
    const heads = expectation.heads
    const graph = expectation.graph
    const expected = heads === undefined ? [] : [...new Set(heads.revisions)].sort()
    const multipleHeads = graph !== undefined ? graph.hasMultipleHeads() : expected.length > 1
    const upgrade = multipleHeads ? 'alembic upgrade heads' : 'alembic upgrade head'
    return {
      async run ({ db }, signal) {
        const [row] = await db.query<{ exists: boolean }>(TABLE_EXISTS, [qualified])
        const tableExists = row?.exists === true
        signal.throwIfAborted()
        const rows = tableExists ? await db.query<{ version_num: unknown }>(versionsQuery(qualified)) : []
        const database = [...new Set(rows.map((r) => String(r.version_num)))].sort()

        if (heads === undefined) {
          const seen = !tableExists ? `version table ${display} does not exist` : `database at ${database.length > 0 ? database.join(', ') : '(no revision)'}`
          return outcome('pass', 'pass', { state: 'not_checked', database, expected: [], tableExists },
            `no expected revision configured (set ALEMBIC_VERSIONS_DIR or EXPECTED_REVISION); ${seen}`)
        }
        const base = { database, expected, expectedSource: heads.source, multipleHeads, tableExists }
        if (!tableExists || database.length === 0) {
          const what = tableExists ? 'is empty' : 'does not exist'
          return outcome('fail', 'fail', { ...base, state: 'unversioned' },
            `version table ${display} ${what} (run ${upgrade}, or alembic stamp if the schema is already there)`)
        }
        const result = compareRevisions(database, expected, graph)
        const facts: AlembicFacts = { ...base, state: result.state, ...(result.state === 'behind' ? { pending: result.pending } : {}) }
        if (result.state === 'current') {
          const note = multipleHeads
            ? 'the versions directory has several heads and no merge (alembic upgrade head would refuse; run alembic merge heads)'
            : undefined
          return outcome('pass', 'pass', facts, note)
        }
        return outcome('warn', 'fail', facts, describe(result, database, expected, upgrade))
      }
    }
  },

  health: (a) => ({
    state: a.state,
    observedValue: a.database,
    expected: a.expected,
    ...(a.expectedSource !== undefined ? { expectedSource: a.expectedSource } : {}),
    ...(a.pending !== undefined ? { pending: a.pending } : {}),
    ...(a.multipleHeads === true ? { multipleHeads: true } : {})
  }),

  text (a) {
    const db = a.database.length > 0 ? a.database.join(', ') : '(none)'
    const expected = a.expected.length > 0 ? a.expected.join(', ') : '(not configured)'
    let line = `${a.state}: database ${db}, expected ${expected}`
    if (a.pending !== undefined && a.pending > 0) line += ` (${a.pending} pending)`
    if (a.multipleHeads === true) line += ' [several heads without a merge]'
    return { line }
  },

  htmlSummary: (a) => `state ${a.state}`,

  htmlSection (a) {
    const rows = [
      ['State', `<strong id="alembic-state">${esc(a.state)}</strong>`],
      ['Database', revisions(a.database, a.tableExists ? '(empty version table)' : '(no version table)')],
      ['Expected', revisions(a.expected, '(not configured)') + (a.expectedSource !== undefined ? ` <span class="muted">from ${esc(a.expectedSource)}</span>` : '')],
      ['Pending migrations', `<span id="alembic-pending">${esc(a.pending ?? 0)}</span>`]
    ]
    if (a.multipleHeads === true) rows.push(['Heads', 'several heads without a merge: <code>alembic upgrade head</code> would refuse them'])
    return `<section id="alembic">
<h2>Alembic migration state</h2>
<table><tbody>
${rows.map(([k, v]) => `<tr><th>${k}</th><td>${v}</td></tr>`).join('\n')}
</tbody></table>
</section>`
  },

  metrics: (a) => [
    { name: 'alembic_at_expected_head', type: 'gauge', help: '1 when the database is at the expected Alembic heads.', samples: [{ value: a?.state === 'current' ? 1 : 0 }] },
    { name: 'alembic_pending_migrations', type: 'gauge', help: 'Alembic revisions still to apply.', samples: [{ value: a?.pending ?? 0 }] },
    {
      name: 'alembic_revision_info',
      type: 'gauge',
      help: 'Alembic revisions in the database and expected by the code; always 1.',
      samples: [
        ...(a?.database ?? []).map((revision) => ({ labels: { source: 'database', revision }, value: 1 })),
        ...(a?.expected ?? []).map((revision) => ({ labels: { source: 'expected', revision }, value: 1 }))
      ]
    }
  ]
}

function outcome (status: Status, strictStatus: Status, facts: AlembicFacts, output: string | undefined): CheckOutcome<AlembicFacts> {
  return { status, strictStatus, facts, ...(output !== undefined ? { output } : {}) }
}

function revisions (list: readonly string[], none: string): string {
  return list.length === 0 ? `<span class="muted">${esc(none)}</span>` : list.map((r) => `<code>${esc(r)}</code>`).join(', ')
}

function describe (result: Exclude<Comparison, { state: 'current' }>, database: readonly string[], expected: readonly string[], upgrade: string): string {
  const list = (ids: readonly string[]): string => ids.join(', ')
  switch (result.state) {
    case 'behind':
      return `database is behind: ${result.pending} revision${result.pending === 1 ? '' : 's'} to apply (run ${upgrade})`
    case 'ahead':
      return `database is ahead: revision ${result.revision} comes after the expected head ${result.head} (newer code already migrated it, as in a rolling deploy)`
    case 'diverged':
      return `database revision ${result.revision} is on another branch than the expected heads ${list(expected)} (neither before nor after them)`
    case 'unknown':
      if (result.reason === 'database_not_in_graph') {
        return `database revision ${result.revision} is not in the versions directory (migrated by newer code, or stamped by hand)`
      }
      if (result.reason === 'expected_not_in_graph') {
        return `expected revision ${result.revision} is not in the versions directory; database is at ${list(database)}`
      }
      return `database is at ${list(database)}, expected ${list(expected)} (no versions directory to tell behind from ahead: set ALEMBIC_VERSIONS_DIR)`
  }
}
