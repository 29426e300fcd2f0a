// With a superuser DATABASE_URL nothing the service runs can write: every statement goes
// through a Lease, inside a READ ONLY transaction it cannot leave, one statement at a time.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import t from 'tap'
import { CHECKS, prepareChecks } from '../../src/checks/index.js'
import { loadConfig } from '../../src/config.js'
import { loadExpectation } from '../../src/expectation.js'
import { Lease } from '../../src/postgres/lease.js'
import { createPool } from '../../src/postgres/pool.js'
import { runRound } from '../../src/round.js'
import { startPostgres } from '../helpers/postgres.js'

// Every statement is logged with the application that sent it.
const pg = await startPostgres({ settings: { log_statement: 'all', log_line_prefix: '%a:' } })
t.teardown(() => pg.destroy())
await pg.query(`CREATE TABLE victim (id int); CREATE TABLE alembic_version (version_num varchar(32) PRIMARY KEY);
  INSERT INTO alembic_version VALUES ('r1')`)
const dir = mkdtempSync(join(tmpdir(), 'sentinel-ro-'))
t.teardown(() => rmSync(dir, { recursive: true, force: true }))
const manifest = join(dir, 'expected.json')
writeFileSync(manifest, JSON.stringify({ version: 1, tables: { victim: { columns: { id: 'integer' } } } }))

const config = loadConfig({ DATABASE_URL: pg.url(), CHECK_TIMEOUT_MS: '5000', EXPECTED_SCHEMA: manifest, EXPECTED_REVISION: 'r1' }, {}, { requireDatabase: true })
const pool = createPool(config)
t.teardown(() => pool.end())

async function inLease<T> (fn: (lease: Lease) => Promise<T>): Promise<T> {
  const lease = new Lease(pool, Date.now() + 5000)
  try {
    return await fn(lease)
  } finally {
    await lease.endTransaction()
    lease.release(false)
  }
}

// Qualified: the transaction's search_path is pinned to pg_catalog, pg_temp.
const WRITES: Array<[string, string[]]> = [
  ['INSERT', ['INSERT INTO public.victim VALUES (1)']],
  ['CREATE', ['CREATE TABLE public.pwned (id int)']],
  ['SET TRANSACTION READ WRITE first', ['SET TRANSACTION READ WRITE', 'INSERT INTO public.victim VALUES (2)']],
  ['SET TRANSACTION READ WRITE after a query', ['SELECT 1', 'SET TRANSACTION READ WRITE']],
  ['SET LOCAL transaction_read_only', ['SET LOCAL transaction_read_only = off', 'INSERT INTO public.victim VALUES (3)']],
  ['COMMIT, then write', ['COMMIT', 'INSERT INTO public.victim VALUES (4)']],
  ['commented COMMIT', ['/* hi */ -- there\n commit', 'INSERT INTO public.victim VALUES (5)']],
  ['session default off, then COMMIT', ['SET default_transaction_read_only = off', 'END', 'INSERT INTO public.victim VALUES (6)']],
  ['UPDATE alembic_version', ["UPDATE public.alembic_version SET version_num = 'x'"]],
  ['DROP', ['DROP TABLE public.victim']],
  ['nextval', ["SELECT nextval('public.victim_seq')"]]
]

t.test('a Lease refuses every write with SQLSTATE 25006', async (t) => {
  await pg.query('CREATE SEQUENCE victim_seq')
  for (const [label, statements] of WRITES) {
    await inLease(async (lease) => {
      for (const sql of statements.slice(0, -1)) await lease.query(sql).catch(() => undefined)
      const last = statements.at(-1)!
      const err = await lease.query(last).then(() => undefined, (e: { code?: string }) => e)
      t.equal(err?.code, '25006', `${label}: "${last}" fails with read_only_sql_transaction`)
    })
  }
  t.same(await pg.query('SELECT count(*)::int AS n FROM victim'), [{ n: 0 }], 'victim is still empty')
  t.same(await pg.query("SELECT to_regclass('pwned') AS r"), [{ r: null }], 'no table was created')
  t.same(await pg.query('SELECT last_value, is_called FROM victim_seq'), [{ last_value: '1', is_called: false }], 'the sequence did not move')
})

t.test('several statements in one string are refused', async (t) => {
  const err = await inLease((lease) => lease.query('SELECT 1; COMMIT; INSERT INTO public.victim VALUES (7)').then(() => undefined, (e: { code?: string }) => e))
  t.equal(err?.code, '42601', 'the extended protocol takes one statement')
  t.same(await pg.query('SELECT count(*)::int AS n FROM victim'), [{ n: 0 }])
})

t.test('the session is tagged schema-sentinel and read-only', async (t) => {
  const [row] = await inLease((lease) => lease.query<{ app: string, ro: string }>(
    "SELECT current_setting('application_name') AS app, current_setting('transaction_read_only') AS ro"))
  t.same(row, { app: 'schema-sentinel', ro: 'on' })
  // Even when the database's owner set other defaults for every session.
  await pg.query("ALTER DATABASE postgres SET search_path = public, pg_catalog; ALTER DATABASE postgres SET row_security = on; ALTER DATABASE postgres SET constraint_exclusion = on")
  t.teardown(() => pg.query('ALTER DATABASE postgres RESET ALL'))
  const fresh = createPool(config)
  const lease = new Lease(fresh, Date.now() + 5000)
  try {
    t.same(await lease.query("SELECT current_setting('search_path') AS path, current_setting('row_security') AS rls, current_setting('constraint_exclusion') AS ce"),
      [{ path: 'pg_catalog, pg_temp', rls: 'off', ce: 'off' }], 'every transaction pins search_path, row_security and constraint_exclusion')
    await lease.endTransaction()
    t.same(await lease.query("SELECT current_setting('search_path') AS path"), [{ path: 'pg_catalog, pg_temp' }], 'the next transaction too')
  } finally {
    await lease.endTransaction()
    lease.release(false)
    await fresh.end()
  }
  const seen = await pg.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'schema-sentinel'")
  t.ok(seen[0]!.n >= 1 && seen[0]!.n <= 2, `pg_stat_activity shows the pooled session (${seen[0]!.n})`)
})

t.test('a real round sends only read-only statements, all unnamed', async (t) => {
  const logFile = join(dirname(pg.dataDir), 'server.log')
  const before = readFileSync(logFile, 'utf8').length
  const expectation = await loadExpectation(config)
  const report = await runRound({ pool, checks: prepareChecks(CHECKS, config, expectation), config, version: 'test' })
  t.same(report.checks.map((c) => [c.name, c.status]), [['postgres:connectivity', 'pass'], ['alembic:revision', 'pass'], ['schema:drift', 'pass'], ['security:exposure', 'pass']],
    'every check ran and passed')
  const log = readFileSync(logFile, 'utf8').slice(before)
  // A multi-line statement continues on lines that start with a tab.
  const statements = log.split(/\n(?!\t)/)
    .filter((line) => line.startsWith('schema-sentinel:'))
    .map((line) => /LOG: {2}(statement|execute [^:]+): ([\s\S]*)$/.exec(line))
    .filter((m): m is RegExpExecArray => m !== null)
  t.ok(statements.length >= 3, `the log holds the service's statements (${statements.length})`)
  const named = statements.filter((m) => m[1]!.startsWith('execute') && m[1] !== 'execute <unnamed>')
  t.same(named.map((m) => m[1]), [], 'no named prepared statements')
  const allowed = /^(BEGIN TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY; SET LOCAL statement_timeout = \d+|ROLLBACK|SELECT\b|WITH\b|SHOW\b|SET LOCAL\b|DECLARE \w+ NO SCROLL CURSOR FOR\s+SELECT\b|FETCH FORWARD \d+ FROM \w+$|CLOSE \w+$|COPY "[^"]+"\."[^"]+" \("version_num"\) TO STDOUT$)/is
  const others = statements.map((m) => m[2]!).filter((sql) => !allowed.test(sql.trim()))
  t.same(others, [], 'every statement is a read, or opens or ends a read-only transaction')
})
