// The round runner against the real PostgreSQL with small purpose-built checks.
import { createServer, type Socket } from 'node:net'
import t from 'tap'
import { prepareChecks, type PreparedCheck } from '../src/checks/check.js'
import { connectivity } from '../src/checks/connectivity.js'
import { loadConfig } from '../src/config.js'
import { createPool } from '../src/postgres/pool.js'
import { runRound, TIMEOUT_OUTPUT, UNREACHABLE_OUTPUT } from '../src/round.js'
import { freePort, startPostgres } from './helpers/postgres.js'
import { startTcpProxy } from './helpers/tcp-proxy.js'

const pg = await startPostgres()
t.teardown(() => pg.destroy())

const config = (url: string, timeout = 1000) => loadConfig({ DATABASE_URL: url, CHECK_TIMEOUT_MS: String(timeout) }, {}, { requireDatabase: true })
const check = (name: string, run: PreparedCheck['run']): PreparedCheck => ({ name, run })
const ping = prepareChecks([connectivity], loadConfig({}), {})[0]!

async function round (checks: PreparedCheck[], url = pg.url(), timeout = 1000, errors = {}) {
  const cfg = config(url, timeout)
  const pool = createPool(cfg)
  try {
    return await runRound({ pool, checks, config: cfg, version: '9.9.9' }, errors)
  } finally {
    await pool.end()
  }
}

t.test('a passing round is frozen and complete', async (t) => {
  const report = await round([ping])
  t.equal(report.up, true)
  t.equal(report.version, '9.9.9')
  t.ok(Object.isFrozen(report) && Object.isFrozen(report.checks[0]))
  t.equal(report.checks[0]!.status, 'pass')
  t.equal(report.checks[0]!.strictStatus, 'pass', 'strictStatus defaults to status')
  t.ok(report.finishedAt >= report.startedAt)
})

t.test('a check that overruns the deadline fails with "timeout" and is counted', async (t) => {
  const slow = check('alembic:revision', async ({ db }) => { await db.query('SELECT pg_sleep(5)'); return { status: 'pass' } })
  const after = check('schema:drift', async () => ({ status: 'pass' }))
  const report = await round([ping, slow, after], pg.url(), 400, { 'alembic:revision': 3 })
  const [c, s, a] = report.checks
  t.equal(c!.status, 'pass')
  t.equal(s!.status, 'fail')
  t.match(s!.output, /^timeout/)
  t.equal(s!.errored, true)
  t.equal(a!.output, TIMEOUT_OUTPUT, 'checks after the deadline do not run')
  t.equal(report.errorsTotal['alembic:revision'], 4, 'running error count carried and incremented')
  t.equal(report.up, true)
})

t.test('a check that throws fails with its error, and the next check still runs', async (t) => {
  const broken = check('alembic:revision', async ({ db }) => { await db.query('SELECT * FROM no_such_table'); return { status: 'pass' } })
  const next = check('schema:drift', async ({ db }) => { await db.query('SELECT 1'); return { status: 'pass' } })
  const report = await round([ping, broken, next])
  t.equal(report.checks[1]!.status, 'fail')
  t.match(report.checks[1]!.output, /relation "no_such_table" does not exist \(SQLSTATE 42P01\)/)
  t.equal(report.checks[2]!.status, 'pass', 'a failed transaction does not poison the next check')
})

t.test('unreachable database: connectivity fails, the others are skipped, not counted', async (t) => {
  const port = await freePort()
  let ran = false
  const other = check('schema:drift', async () => { ran = true; return { status: 'pass' } })
  const report = await round([ping, other], `postgres://postgres:${pg.password}@127.0.0.1:${port}/postgres`)
  t.equal(report.up, false)
  t.match(report.checks[0]!.output, /ECONNREFUSED/)
  t.notMatch(report.checks[0]!.output, new RegExp(pg.password))
  t.equal(report.checks[1]!.output, UNREACHABLE_OUTPUT)
  t.equal(ran, false)
  t.same(report.errorsTotal, { 'postgres:connectivity': 1 })
})

t.test('every check runs read-only, even as superuser', async (t) => {
  await pg.query('CREATE TABLE IF NOT EXISTS victim (id int)')
  // Qualified: the transaction's search_path is pinned to pg_catalog, pg_temp.
  const writes = ['INSERT INTO public.victim VALUES (1)', 'CREATE TABLE public.pwned (id int)', 'SET TRANSACTION READ WRITE']
  for (const sql of writes) {
    const writer = check('schema:drift', async ({ db }) => { await db.query('SELECT 1'); await db.query(sql); return { status: 'pass' } })
    const report = await round([ping, writer])
    t.match(report.checks[1]!.output, /read-only transaction|READ WRITE|SQLSTATE 25/, sql)
  }
  t.same(await pg.query('SELECT count(*)::int AS n FROM victim'), [{ n: 0 }])
  t.same(await pg.query("SELECT to_regclass('pwned') AS r"), [{ r: null }])
})

t.test('the session is tagged and bounded by statement_timeout', async (t) => {
  const probe = check('schema:drift', async ({ db }) => {
    const rows = await db.query<{ app: string, timeout: string, ro: string }>(
      "SELECT current_setting('application_name') AS app, current_setting('statement_timeout') AS timeout, current_setting('transaction_read_only') AS ro")
    return { status: 'pass', output: JSON.stringify(rows[0]) }
  })
  const report = await round([ping, probe], pg.url(), 1500)
  const seen = JSON.parse(report.checks[1]!.output!)
  t.equal(seen.app, 'schema-sentinel')
  t.equal(seen.ro, 'on')
  t.match(seen.timeout, /^\d+(ms|s)$/)
  t.ok(parseInt(seen.timeout) <= 1500 || /s$/.test(seen.timeout), 'no longer than the round deadline')
})

t.test('a database that never answers: connectivity fails with output "timeout", counted; the others are skipped', async (t) => {
  // Accepts TCP connections and never says a word, like a black-holed link.
  const sockets: Socket[] = []
  const hole = createServer((s) => { sockets.push(s) })
  await new Promise<void>((resolve) => hole.listen(0, '127.0.0.1', resolve))
  t.teardown(() => { for (const s of sockets) s.destroy(); hole.close() })
  const port = (hole.address() as { port: number }).port
  const report = await round([ping, check('alembic:revision', async () => ({ status: 'pass' }))], `postgres://postgres:x@127.0.0.1:${port}/postgres`, 300, { 'postgres:connectivity': 1 })
  t.same(report.checks.map((c) => [c.name, c.status, c.output, c.errored]), [
    ['postgres:connectivity', 'fail', TIMEOUT_OUTPUT, true],
    ['alembic:revision', 'fail', UNREACHABLE_OUTPUT, false]
  ])
  t.equal(report.up, false)
  t.same(report.errorsTotal, { 'postgres:connectivity': 2 }, 'the timeout is counted; the skipped check is not')
})

t.test('a deadline reached while rolling back leaves one result per check', async (t) => {
  const proxy = await startTcpProxy({ host: '127.0.0.1', port: pg.port })
  t.teardown(() => proxy.close())
  // The check answers, then the network goes silent: its ROLLBACK never returns.
  const answersThenSilence = check('alembic:revision', async ({ db }) => {
    await db.query('SELECT 1')
    proxy.set('blackhole')
    return { status: 'pass', output: 'answered' }
  })
  const after = check('schema:drift', async () => ({ status: 'pass' }))
  // The ROLLBACK never returns, so the deadline is reached whatever it is; it must leave room for
  // a connection and two statements first (600 ms did not, once, on a loaded 2-core machine).
  const report = await round([ping, answersThenSilence, after], `postgres://postgres:${pg.password}@127.0.0.1:${proxy.port}/postgres`, 3000)
  t.same(report.checks.map((c) => c.name), ['postgres:connectivity', 'alembic:revision', 'schema:drift'], 'one result per check')
  t.equal(report.checks[1]!.output, 'answered', 'the check keeps its own result')
  t.equal(report.checks[2]!.output, TIMEOUT_OUTPUT, 'the next check reports the deadline')
})
