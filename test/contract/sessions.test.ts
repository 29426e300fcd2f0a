// Database sessions per the contract: a pool of at most 2 connections named schema-sentinel,
// and no named prepared statements in a full round (Supabase's transaction pooler rejects them).
import { join } from 'node:path'
import t from 'tap'
import type { PreparedCheck } from '../../src/checks/check.js'
import { CHECKS, prepareChecks } from '../../src/checks/index.js'
import { loadConfig } from '../../src/config.js'
import { loadExpectation } from '../../src/expectation.js'
import { createPool } from '../../src/postgres/pool.js'
import { runRound } from '../../src/round.js'
import { startPostgres } from '../helpers/postgres.js'

const pg = await startPostgres()
t.teardown(() => pg.destroy())
const sessions = async (): Promise<number> =>
  (await pg.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'schema-sentinel'"))[0]!.n

t.test('the pool never holds more than 2 connections, all named schema-sentinel', async (t) => {
  // The deadline is also each connect's timeout: long enough for the first two to be made on a
  // loaded machine (SCRAM and a backend fork took over 300 ms in one CI run), short for the third.
  const config = loadConfig({ DATABASE_URL: pg.url(), CHECK_TIMEOUT_MS: '2000' }, {}, { requireDatabase: true })
  const pool = createPool(config)
  t.teardown(() => pool.end())
  const first = await pool.connect()
  const second = await pool.connect()
  const third = await pool.connect().then((c) => { c.release(); return 'connected' }, (err: Error) => err.message)
  t.match(third, /timeout/, 'a third connection waits for a free one and gives up at CHECK_TIMEOUT_MS')
  t.equal(await sessions(), 2, 'PostgreSQL sees exactly 2 sessions')
  first.release()
  second.release()
})

t.test('a full round prepares no named statement', async (t) => {
  await pg.query(`CREATE TABLE pdfs (id integer PRIMARY KEY);
    CREATE TABLE alembic_version (version_num varchar(32) PRIMARY KEY); INSERT INTO alembic_version VALUES ('r1')`)
  const dir = t.testdir({ 'expected.json': JSON.stringify({ version: 1, tables: { pdfs: { columns: { id: 'integer' } } } }) })
  const manifest = join(dir, 'expected.json')
  const config = loadConfig({ DATABASE_URL: pg.url(), CHECK_TIMEOUT_MS: '10000', EXPECTED_SCHEMA: manifest, EXPECTED_REVISION: 'r1' }, {}, { requireDatabase: true })
  const pool = createPool(config)
  t.teardown(() => pool.end())
  // Runs last, on the same connection as every check before it: pg_prepared_statements is per session.
  const probe: PreparedCheck = {
    name: 'schema:drift',
    async run ({ db }) {
      const rows = await db.query<{ name: string }>('SELECT name FROM pg_catalog.pg_prepared_statements')
      return { status: 'pass', output: JSON.stringify(rows.map((r) => r.name)) }
    }
  }
  const expectation = await loadExpectation(config)
  for (let i = 0; i < 3; i++) {
    const report = await runRound({ pool, checks: [...prepareChecks(CHECKS, config, expectation), probe], config, version: 'test' })
    t.same(report.checks.map((c) => c.status), ['pass', 'pass', 'pass', 'pass', 'pass'], `round ${i + 1}: every check ran`)
    t.equal(report.checks.at(-1)!.output, '[]', `round ${i + 1}: no prepared statement in the session`)
  }
})
