// Locks held by another session, as a migration holds them. What really blocks a round:
// - ACCESS EXCLUSIVE on alembic_version blocks `SELECT version_num` (alembic:revision);
// - ACCESS EXCLUSIVE on a table (a migration's ALTER TABLE) blocks schema:drift only where
//   the catalog query prints an expression with pg_get_expr(expr, relid), which opens the table
//   (AccessShareLock): a generated column always, a plain default unless it is deparsed with
//   relid 0. pg_catalog itself is read without table locks: a table without either never blocks.
//   A migration that has committed nothing yet leaves the catalog's fingerprint as it was: a
//   later round then reuses its last result and reads no table, so it is not blocked at all;
//   once anything is committed (here another table), the round reads, and blocks.
// Each blocked round ends at its deadline with a clear failure, and passes once the lock goes.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import t from 'tap'
import { spawnService, type ChildService } from '../helpers/child-service.js'
import { startPostgres } from '../helpers/postgres.js'
import { sampleConnections, sleep } from '../helpers/watch.js'

const db = await startPostgres()
t.teardown(() => db.destroy())
await db.query(`CREATE TABLE pdfs (id serial PRIMARY KEY, name text, name_length int GENERATED ALWAYS AS (length(name)) STORED);
  CREATE TABLE plain (id int);
  CREATE TABLE alembic_version (version_num varchar(32) PRIMARY KEY);
  INSERT INTO alembic_version VALUES ('rev_a1')`)

const dir = mkdtempSync(join(tmpdir(), 'sentinel-locks-'))
t.teardown(() => rmSync(dir, { recursive: true, force: true }))
const manifest = join(dir, 'expected.json')
writeFileSync(manifest, JSON.stringify({
  version: 1,
  tables: {
    pdfs: { columns: { id: { type: 'integer', nullable: false }, name: { type: 'text' }, name_length: { type: 'integer' } } },
    plain: { columns: { id: 'integer' } }
  }
}))

const TOKEN = `ht-locks-${process.pid}`
const auth = { headers: { authorization: `Bearer ${TOKEN}` } }
const checkOf = (body: string, name: string) => JSON.parse(body).checks[name][0]

/** Runs `sql` in a transaction on its own session and keeps it open until release(). */
async function hold (sql: string): Promise<{ release: () => Promise<void> }> {
  const client = new pg.Client({ connectionString: db.url(), application_name: 'lock-holder' })
  await client.connect()
  await client.query('BEGIN')
  await client.query(sql)
  return { release: async () => { await client.query('ROLLBACK'); await client.end() } }
}

async function passing (svc: ChildService): Promise<void> {
  await svc.waitFor('/health/schema', (r) => r.status === 200, 10_000, auth)
}

t.test('locks that block a round, and one that does not', async (t) => {
  const sampler = sampleConnections(db.url())
  t.teardown(() => sampler.stop())
  const svc = await spawnService(t, {
    DATABASE_URL: db.url(), HEALTH_TOKEN: TOKEN, EXPECTED_SCHEMA: manifest, EXPECTED_REVISION: 'rev_a1',
    CHECK_INTERVAL_MS: '200', CHECK_TIMEOUT_MS: '1000'
  })
  await passing(svc)

  // Nothing committed: the drift check's quiet round reuses its last result, unblocked.
  {
    const lock = await hold('ALTER TABLE pdfs ADD COLUMN processing_started_at timestamp')
    const since = new Date().toISOString()
    const { res } = await svc.waitFor('/health/schema', (_r, body) => checkOf(body, 'schema:drift').time > since, 5_000, auth)
    t.equal(res.status, 200, 'an uncommitted ALTER TABLE does not block a round on an unchanged catalog')
    await lock.release()
  }

  // [statement held, a statement committed meanwhile, the check it blocks, label]
  const blockers: Array<[string, string | undefined, string, string]> = [
    ['LOCK alembic_version IN ACCESS EXCLUSIVE MODE', undefined, 'alembic:revision', 'ACCESS EXCLUSIVE on alembic_version'],
    ['ALTER TABLE pdfs ADD COLUMN processing_started_at timestamp', 'CREATE TABLE lock_probe (id int)', 'schema:drift', "a migration's ALTER TABLE on pdfs, another table committed"]
  ]
  for (const [sql, committed, blocked, label] of blockers) {
    const lock = await hold(sql)
    if (committed !== undefined) await db.query(committed)
    const { body } = await svc.waitFor('/health/schema', (r) => r.status === 503, 5_000, auth)
    const check = checkOf(body, blocked)
    t.equal(check.status, 'fail', `${label}: ${blocked} fails`)
    t.match(check.output, /^timeout/, `${label}: its output starts with timeout`)
    t.match(check.output, /lock timeout|^timeout$/, `${label}: and names the lock when the server reported it (${check.output})`)
    t.equal(checkOf(body, 'postgres:connectivity').status, 'pass', `${label}: connectivity still passes`)
    await lock.release()
    await passing(svc)
    t.pass(`${label}: passes again once the lock is gone`)
  }

  // A table without defaults or generated columns is never opened by the catalog query.
  const lock = await hold('LOCK plain IN ACCESS EXCLUSIVE MODE')
  const since = new Date().toISOString()
  const { res } = await svc.waitFor('/health/schema', (_r, body) => checkOf(body, 'schema:drift').time > since, 5_000, auth)
  t.equal(res.status, 200, 'ACCESS EXCLUSIVE on a table without expressions does not block the round')
  await lock.release()

  t.ok(svc.running(), 'serve still runs')
  t.ok(sampler.max() <= 2, `never more than 2 sessions (max ${sampler.max()})`)
  t.notMatch(svc.stderr(), /unhandled|uncaught|^\s+at /m, 'no crash trace on stderr')
})

t.test('terminated while blocked on a lock: the next round passes', async (t) => {
  const svc = await spawnService(t, {
    DATABASE_URL: db.url(), HEALTH_TOKEN: TOKEN, EXPECTED_SCHEMA: manifest, EXPECTED_REVISION: 'rev_a1',
    CHECK_INTERVAL_MS: '200', CHECK_TIMEOUT_MS: '3000'
  })
  await passing(svc)
  const lock = await hold('LOCK alembic_version IN ACCESS EXCLUSIVE MODE')
  let killed: unknown[] = []
  for (let i = 0; i < 400 && killed.length === 0; i++) {
    killed = await db.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity
      WHERE application_name = 'schema-sentinel' AND wait_event_type = 'Lock'`)
    if (killed.length === 0) await sleep(10)
  }
  t.equal(killed.length, 1, 'the session waiting on the lock was terminated')
  const { body } = await svc.waitFor('/health/schema', (r) => r.status === 503, 5_000, auth)
  t.match(checkOf(body, 'alembic:revision').output, /terminat|57P01|closed/i, 'the interrupted round says so')
  await lock.release()
  await passing(svc)
  t.pass('the next round passes')
  t.ok(svc.running(), 'serve still runs')
})
