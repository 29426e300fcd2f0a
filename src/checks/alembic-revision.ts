// alembic:revision: the rows of the version table against the heads the code expects.
// The table is read so that none of the database's code can run (see postgres/version-table.ts);
// what is not a plain table, or holds far more rows than heads, fails with what it is.
import { compareRevisions, type Comparison } from '../alembic/compare.js'
import { pendingRevisions, type Pending } from '../alembic/pending.js'
import { describeWarning } from '../alembic/warnings.js'
import type { Expectation } from '../expectation.js'
import { readVersionTable, VERSION_ROWS_LIMIT } from '../postgres/version-table.js'
import type { Status } from '../report.js'
import type { AlembicFacts } from './alembic-facts.js'
import { alembicPresentation } from './alembic-present.js'
import type { Check, CheckOutcome } from './check.js'

export type { AlembicFacts, AlembicNote, AlembicState } from './alembic-facts.js'

export const alembicRevision: Check<AlembicFacts, 'alembic:revision'> = {
  name: 'alembic:revision',
  // Everything that depends only on the configuration and the versions read at start: once.
  prepare (config, expectation) {
    const { schema, table } = config.alembicVersionTable
    const display = schema !== undefined ? `${schema}.${table}` : table
    const heads = expectation.heads
    // A versions directory with more heads than the usual bound still fits.
    const limit = Math.max(VERSION_ROWS_LIMIT, heads?.revisions.length ?? 0)
    const graph = expectation.graph
    const expected = heads === undefined ? [] : [...new Set(heads.revisions)].sort()
    const multipleHeads = graph !== undefined ? graph.hasMultipleHeads() : expected.length > 1
    const upgrade = multipleHeads ? 'alembic upgrade heads' : 'alembic upgrade head'
    const scripts = scriptFacts(expectation)
    const loose = looseNote(scripts.looseScripts)
    return {
      async run ({ db }) {
        const rows = await readVersionTable(db, config.alembicVersionTable, limit)
        const tableExists = rows !== undefined
        const database = [...new Set(rows)].sort()

        if (heads === undefined) {
          const seen = !tableExists ? `version table ${display} does not exist` : `database at ${database.length > 0 ? database.join(', ') : '(no revision)'}`
          return outcome('pass', 'pass', { state: 'not_checked', database, expected: [], tableExists, versionTable: display },
            `no expected revision configured (set ALEMBIC_VERSIONS_DIR, ALEMBIC_CONFIG or EXPECTED_REVISION); ${seen}`)
        }
        const base = { database, expected, expectedSource: heads.source, multipleHeads, tableExists, versionTable: display, ...scripts }
        if (!tableExists || database.length === 0) {
          const what = tableExists ? 'is empty' : 'does not exist'
          return outcome('fail', 'fail', { ...base, state: 'unversioned' },
            `version table ${display} ${what} (run ${upgrade}, or alembic stamp if the schema is already there)`)
        }
        const result = compareRevisions(database, expected, graph)
        const pending = result.state === 'behind' && graph !== undefined ? pendingRevisions(graph, database, expected) : undefined
        const facts: AlembicFacts = {
          ...base,
          state: result.state,
          ...(result.state === 'behind' ? { pending: result.pending } : {}),
          ...(pending !== undefined ? { pendingRevisions: pending.revisions, pendingDestructive: pending.destructive } : {})
        }
        if (result.state === 'current') {
          const note = multipleHeads
            ? 'the versions directory has several heads and no merge (alembic upgrade head would refuse; run alembic merge heads)'
            : undefined
          // A loose script makes every alembic command stop: the state cannot be trusted to stay.
          if (loose !== undefined) return outcome('warn', 'fail', facts, [loose, note].filter(Boolean).join('; '))
          return outcome('pass', 'pass', facts, note)
        }
        return outcome('warn', 'fail', facts, [describe(result, database, expected, upgrade, pending), loose].filter(Boolean).join('; '))
      }
    }
  },
  ...alembicPresentation
}

/** Loose scripts and warnings from reading the version locations, for every state. */
function scriptFacts (expectation: Expectation): Pick<AlembicFacts, 'looseScripts' | 'warnings'> {
  const v = expectation.versions
  if (v === undefined) return {}
  const warnings = v.warnings.map((w) => ({ kind: w.kind, file: w.file, ...(w.line !== undefined ? { line: w.line } : {}), message: describeWarning(w) }))
  return { ...(v.looseScripts.length > 0 ? { looseScripts: v.looseScripts } : {}), ...(warnings.length > 0 ? { warnings } : {}) }
}

function looseNote (loose: readonly string[] | undefined): string | undefined {
  if (loose === undefined || loose.length === 0) return undefined
  return `${loose.length} loose script${loose.length === 1 ? '' : 's'} in the version locations without a revision, which Alembic refuses to load: ${loose.join(', ')}`
}

function outcome (status: Status, strictStatus: Status, facts: AlembicFacts, output: string | undefined): CheckOutcome<AlembicFacts> {
  return { status, strictStatus, facts, ...(output !== undefined ? { output } : {}) }
}

function describe (result: Exclude<Comparison, { state: 'current' }>, database: readonly string[], expected: readonly string[], upgrade: string, pending?: Pending): string {
  const list = (ids: readonly string[]): string => ids.join(', ')
  const plural = (n: number, what: string): string => `${n} ${what}${n === 1 ? '' : 's'}`
  switch (result.state) {
    case 'behind': {
      const risks = [
        pending !== undefined && pending.destructive > 0 ? `${plural(pending.destructive, 'destructive operation')}: take a backup first` : '',
        pending !== undefined && pending.failing > 0 ? `${plural(pending.failing, 'operation')} PostgreSQL refuses inside a transaction` : ''
      ].filter(Boolean)
      return `database is behind: ${plural(result.pending, 'revision')} to apply${risks.length > 0 ? `, with ${risks.join(', and ')}` : ''} (run ${upgrade})`
    }
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
