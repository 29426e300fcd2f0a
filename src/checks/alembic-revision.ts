// alembic:revision: the rows of the version table against the heads the code expects.
// The table is read so that none of the database's code can run (see postgres/version-table.ts);
// what is not a plain table, or holds far more rows than heads, fails with what it is.
import { compareRevisions, type Comparison } from '../alembic/compare.js'
import { readVersionTable, VERSION_ROWS_LIMIT } from '../postgres/version-table.js'
import type { AlembicFacts, Status } from '../report.js'
import type { Check, CheckOutcome } from './check.js'

export const alembicRevision: Check = {
  name: 'alembic:revision',
  async run ({ db, config, expectation }) {
    const { schema, table } = config.alembicVersionTable
    const display = schema !== undefined ? `${schema}.${table}` : table
    // A versions directory with more heads than the usual bound still fits.
    const limit = Math.max(VERSION_ROWS_LIMIT, expectation.heads?.revisions.length ?? 0)
    const rows = await readVersionTable(db, config.alembicVersionTable, limit)
    const tableExists = rows !== undefined
    const database = [...new Set(rows)].sort()

    const heads = expectation.heads
    if (heads === undefined) {
      const seen = !tableExists ? `version table ${display} does not exist` : `database at ${database.length > 0 ? database.join(', ') : '(no revision)'}`
      return outcome('pass', 'pass', {
        state: 'not_checked', database, expected: [], tableExists
      }, `no expected revision configured (set ALEMBIC_VERSIONS_DIR or EXPECTED_REVISION); ${seen}`)
    }

    const expected = [...new Set(heads.revisions)].sort()
    const graph = expectation.graph
    const multipleHeads = graph !== undefined ? graph.hasMultipleHeads() : expected.length > 1
    const base = { database, expected, expectedSource: heads.source, multipleHeads, tableExists }
    const upgrade = multipleHeads ? 'alembic upgrade heads' : 'alembic upgrade head'
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

function outcome (status: Status, strictStatus: Status, alembic: AlembicFacts, output: string | undefined): CheckOutcome {
  return { status, strictStatus, alembic, ...(output !== undefined ? { output } : {}) }
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
