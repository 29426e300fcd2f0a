// The alembic:revision state table of the contract, both columns: for every state, a real
// round against PostgreSQL read leniently (/health) and strictly (/health/schema, `check`),
// and where the expected heads come from (EXPECTED_REVISION, then the directory, then the manifest).
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { CHECKS, prepareChecks } from '../../src/checks/index.js'
import { loadConfig } from '../../src/config.js'
import { loadExpectation } from '../../src/expectation.js'
import { createPool } from '../../src/postgres/pool.js'
import { renderHealth } from '../../src/render/health.js'
import { renderMetrics } from '../../src/render/metrics.js'
import { runRound } from '../../src/round.js'
import { startPostgres } from '../helpers/postgres.js'
import { writeVersionsDir } from '../helpers/versions-dir.js'

const pg = await startPostgres()
t.teardown(() => pg.destroy())
const root = t.testdir({})

const LINEAR = writeVersionsDir(root, 'linear', { a: null, b: 'a', c: 'b' })
const FORK = writeVersionsDir(root, 'fork', { a: null, b: 'a', c: 'b', x: 'b' })
const manifest = (heads: string[]): string => {
  const file = join(root, `manifest-${heads.join('-')}.json`)
  writeFileSync(file, JSON.stringify({ version: 1, alembic: { heads }, tables: {} }))
  return file
}

let n = 0
async function database (rows: string[] | null): Promise<string> {
  const name = `views_${++n}`
  const url = await pg.createDatabase(name)
  if (rows !== null) {
    await pg.query('CREATE TABLE alembic_version (version_num varchar(32) NOT NULL PRIMARY KEY)', [], name)
    for (const row of rows) await pg.query('INSERT INTO alembic_version VALUES ($1)', [row], name)
  }
  return url
}

async function round (rows: string[] | null, env: Record<string, string>) {
  const config = loadConfig({ DATABASE_URL: await database(rows), CHECK_TIMEOUT_MS: '10000', ...env }, {}, { requireDatabase: true })
  const pool = createPool(config)
  try {
    return await runRound({ pool, checks: prepareChecks(CHECKS, config, await loadExpectation(config)), config, version: '0.1.0' })
  } finally {
    await pool.end()
  }
}

// [state, database rows, env, status in /health, status in /health/schema]
const TABLE: Array<[string, string[] | null, Record<string, string>, string, string]> = [
  ['current', ['c'], { ALEMBIC_VERSIONS_DIR: LINEAR }, 'pass', 'pass'],
  ['behind', ['a'], { ALEMBIC_VERSIONS_DIR: LINEAR }, 'warn', 'fail'],
  ['ahead', ['c'], { ALEMBIC_VERSIONS_DIR: LINEAR, EXPECTED_REVISION: 'a' }, 'warn', 'fail'],
  ['diverged', ['x'], { ALEMBIC_VERSIONS_DIR: FORK, EXPECTED_REVISION: 'c' }, 'warn', 'fail'],
  ['unknown', ['zz_hand_stamped'], { ALEMBIC_VERSIONS_DIR: LINEAR }, 'warn', 'fail'],
  ['unknown', ['b'], { EXPECTED_REVISION: 'c' }, 'warn', 'fail'],
  ['unversioned', null, { ALEMBIC_VERSIONS_DIR: LINEAR }, 'fail', 'fail'],
  ['unversioned', [], { EXPECTED_REVISION: 'c' }, 'fail', 'fail'],
  ['not_checked', ['b'], {}, 'pass', 'pass'],
  ['not_checked', null, {}, 'pass', 'pass']
]

t.test('each state: lenient in /health, strict in /health/schema', async (t) => {
  for (const [state, rows, env, lenient, strict] of TABLE) {
    const label = `${state} (${JSON.stringify(rows)}, ${Object.keys(env).join('+') || 'nothing expected'})`
    const report = await round(rows, env)
    for (const [view, want] of [['health', lenient], ['schema', strict]] as const) {
      const { statusCode, body } = renderHealth(report, view, true, { version: '0.1.0' })
      const check = body.checks!['alembic:revision']![0]!
      t.equal(check.state, state, `${label}: state`)
      t.equal(check.status, want, `${label}: ${view} check status`)
      t.equal(body.status, want, `${label}: ${view} overall status (the other checks pass)`)
      t.equal(statusCode, want === 'fail' ? 503 : 200, `${label}: ${view} HTTP status`)
    }
    const metrics = renderMetrics(report, '0.1.0')
    t.match(metrics, new RegExp(`^schema_sentinel_alembic_at_expected_head ${state === 'current' ? 1 : 0}$`, 'm'), `${label}: at_expected_head`)
  }
})

t.test('expected heads: EXPECTED_REVISION, else the versions directory, else the manifest', async (t) => {
  const source = async (env: Record<string, string>) => {
    const check = renderHealth(await round(['b'], env), 'schema', true, { version: '0.1.0' }).body.checks!['alembic:revision']![0]!
    return [check.expectedSource, check.expected, check.state]
  }
  const all = { EXPECTED_REVISION: 'b', ALEMBIC_VERSIONS_DIR: LINEAR, EXPECTED_SCHEMA: manifest(['a']) }
  t.same(await source(all), ['EXPECTED_REVISION', ['b'], 'current'])
  t.same(await source({ ALEMBIC_VERSIONS_DIR: LINEAR, EXPECTED_SCHEMA: manifest(['a']) }), ['ALEMBIC_VERSIONS_DIR', ['c'], 'behind'])
  t.same(await source({ EXPECTED_SCHEMA: manifest(['b']) }), ['manifest', ['b'], 'current'])
  t.same(await source({ EXPECTED_REVISION: 'c,a,c' }), ['EXPECTED_REVISION', ['a', 'c'], 'unknown'], 'compared as sets, without a graph')
})
