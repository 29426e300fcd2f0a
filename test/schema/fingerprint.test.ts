// The catalog fingerprint behind schema:drift's quiet rounds (src/schema/fingerprint.ts): every
// kind of catalog change shows in the very next round, an unchanged catalog reads nothing but
// the fingerprint, and a change committed while a round reads shows in the round after it.
import t, { type Test } from 'tap'
import type { CheckRun } from '../../src/checks/check.js'
import { schemaDrift } from '../../src/checks/schema-drift.js'
import { runSnapshot } from '../../src/commands/snapshot.js'
import { loadConfig } from '../../src/config.js'
import { loadExpectation } from '../../src/expectation.js'
import { Lease, type Db } from '../../src/postgres/lease.js'
import { createPool } from '../../src/postgres/pool.js'
import { FINGERPRINT_SQL, readFingerprint } from '../../src/schema/fingerprint.js'
import type { DriftFacts } from '../../src/schema/findings.js'
import { hasMajor, startPostgres } from '../helpers/postgres.js'

const server = await startPostgres()
t.teardown(() => server.destroy())

const FP = FINGERPRINT_SQL.trim().split(/\s+/).slice(0, 2).join(' ')

async function setup (t: Test) {
  const url = await server.createDatabase()
  const dbName = new URL(url).pathname.slice(1)
  const sql = (text: string) => server.query(text, [], dbName)
  await sql(`CREATE TYPE mood AS ENUM ('happy', 'sad');
    CREATE ROLE fp_reader_${dbName};
    CREATE TABLE users (id integer PRIMARY KEY, email text);
    CREATE TABLE t (id integer PRIMARY KEY, name text, n integer, m mood);
    CREATE TABLE w (id integer PRIMARY KEY, label text);`)
  const base = loadConfig({ DATABASE_URL: url }, {}, { requireDatabase: true })
  const dir = t.testdir({ 'm.json': await runSnapshot(base, 'json') })
  const config = loadConfig({ DATABASE_URL: url, EXPECTED_SCHEMA: `${dir}/m.json` }, {}, { requireDatabase: true })
  const expectation = await loadExpectation(config)
  const pool = createPool(config)
  t.teardown(() => pool.end())
  /** One run of a check; `during` runs once, on another connection, after the check's first statement. */
  const round = async (check: CheckRun<DriftFacts>, during?: () => Promise<unknown>) => {
    const lease = new Lease(pool, Date.now() + 10_000)
    const sent: string[] = []
    const db: Db = {
      query: async (text, params) => {
        const rows = await lease.query(text, params)
        sent.push(text.trim().split(/\s+/).slice(0, 2).join(' '))
        if (sent.length === 1 && during !== undefined) await during()
        return rows as never
      }
    }
    try {
      const outcome = await check.run({ db }, new AbortController().signal)
      const fingerprint = await readFingerprint(lease)
      await lease.endTransaction()
      const findings = (outcome.facts?.findings ?? []).map((f) => `${f.kind} ${f.table ?? f.type}${f.column !== undefined ? '.' + f.column : ''}${f.value !== undefined ? ' ' + String(f.value) : ''}`).sort()
      return { findings, sent, tablesRead: outcome.facts?.tablesRead, fingerprint }
    } finally {
      lease.release(false)
    }
  }
  return { sql, round, kept: schemaDrift.prepare(config, expectation), fresh: () => schemaDrift.prepare(config, expectation), dbName }
}

t.test('every kind of change shows in the very next round; an unchanged catalog is not read', async (t) => {
  const { sql, round, kept, fresh, dbName } = await setup(t)
  const first = await round(kept)
  t.same(first.findings, [], 'the snapshot matches')
  t.equal(first.tablesRead, 3, 'the first round reads every table')
  let last = (await round(kept)).fingerprint
  // [label, statement, a finding the next round must show (undefined: not a drift kind yet)]
  const steps: Array<[string, string, string | undefined]> = [
    ['add a column', 'ALTER TABLE t ADD COLUMN extra text', 'extra_column public.t.extra'],
    ['rename a column', 'ALTER TABLE t RENAME COLUMN extra TO extra2', 'extra_column public.t.extra2'],
    ['retype a column', 'ALTER TABLE t ALTER COLUMN n TYPE bigint', 'type_mismatch public.t.n'],
    ['drop a column', 'ALTER TABLE t DROP COLUMN extra2', 'type_mismatch public.t.n'],
    ['SET NOT NULL', 'ALTER TABLE t ALTER COLUMN name SET NOT NULL', 'nullability_mismatch public.t.name'],
    ['DROP NOT NULL', 'ALTER TABLE t ALTER COLUMN name DROP NOT NULL', undefined],
    ['SET DEFAULT', "ALTER TABLE t ALTER COLUMN name SET DEFAULT 'x'", 'default_mismatch public.t.name'],
    ['DROP DEFAULT', 'ALTER TABLE t ALTER COLUMN name DROP DEFAULT', undefined],
    ['create an index', 'CREATE INDEX ix_t_name ON t (name)', 'extra_index public.t'],
    ['drop an index', 'DROP INDEX ix_t_name', undefined],
    ['add a unique constraint', 'ALTER TABLE t ADD CONSTRAINT uq_t_name UNIQUE (name)', 'extra_unique public.t'],
    ['drop a unique constraint', 'ALTER TABLE t DROP CONSTRAINT uq_t_name', undefined],
    ['add a foreign key', 'ALTER TABLE t ADD CONSTRAINT fk_t_id FOREIGN KEY (id) REFERENCES users (id)', 'extra_foreign_key public.t'],
    ['drop a foreign key', 'ALTER TABLE t DROP CONSTRAINT fk_t_id', undefined],
    ['add a check', 'ALTER TABLE t ADD CONSTRAINT ck_t_id CHECK (id > 0)', 'extra_check public.t'],
    ['drop a check', 'ALTER TABLE t DROP CONSTRAINT ck_t_id', undefined],
    ['drop a primary key', 'ALTER TABLE w DROP CONSTRAINT w_pkey', 'missing_primary_key public.w'],
    ['add a primary key', 'ALTER TABLE w ADD PRIMARY KEY (id)', undefined],
    ['add an enum label', "ALTER TYPE mood ADD VALUE 'meh'", 'extra_enum_value public.mood meh'],
    ['create a policy', 'CREATE POLICY p_t ON t USING (true)', undefined],
    ['drop a policy', 'DROP POLICY p_t ON t', undefined],
    ['GRANT', `GRANT SELECT ON t TO fp_reader_${dbName}`, undefined],
    ['REVOKE', `REVOKE SELECT ON t FROM fp_reader_${dbName}`, undefined],
    ['ENABLE ROW LEVEL SECURITY', 'ALTER TABLE t ENABLE ROW LEVEL SECURITY', undefined],
    ['FORCE ROW LEVEL SECURITY', 'ALTER TABLE t FORCE ROW LEVEL SECURITY', undefined],
    ['rename a role', `ALTER ROLE fp_reader_${dbName} RENAME TO fp_renamed_${dbName}`, undefined],
    ['drop and re-create a table under its name', 'DROP TABLE w; CREATE TABLE w (id bigint PRIMARY KEY, label text)', 'type_mismatch public.w.id']
  ]
  for (const [label, statement, want] of steps) {
    await sql(statement)
    const next = await round(kept)
    t.not(next.fingerprint, last, `${label}: the fingerprint changes`)
    t.ok(next.sent.length > 1, `${label}: the next round reads the catalog`)
    t.same(next.findings, (await round(fresh())).findings, `${label}: the next round finds what a full read finds`)
    if (want !== undefined) t.ok(next.findings.includes(want), `${label}: shows as ${want}`)
    // Other transactions take ids meanwhile, as they always do in production.
    await server.query('SELECT pg_catalog.txid_current()')
    const quiet = await round(kept)
    t.same(quiet.sent, [FP], `${label}, then nothing: the round after reads only the fingerprint`)
    t.equal(quiet.tablesRead, 0, `${label}, then nothing: no table read`)
    t.same(quiet.findings, next.findings, `${label}, then nothing: the same findings`)
    last = quiet.fingerprint
  }
})

t.test('VACUUM FREEZE and ANALYZE change nothing the fingerprint reads', async (t) => {
  const { sql, round, kept } = await setup(t)
  await round(kept)
  const before = (await round(kept)).fingerprint
  await sql('VACUUM (FREEZE, ANALYZE) pg_catalog.pg_class, pg_catalog.pg_attribute, pg_catalog.pg_type, pg_catalog.pg_constraint, pg_catalog.pg_index')
  await sql('ANALYZE t')
  const after = await round(kept)
  t.equal(after.fingerprint, before, 'same fingerprint')
  t.same(after.sent, [FP], 'nothing re-read')
})

t.test('a change committed while a round reads shows in the next round', async (t) => {
  const { sql, round, kept } = await setup(t)
  await round(kept)
  await sql('ALTER TABLE t ADD COLUMN before_round text')
  // Committed after the round's fingerprint (its snapshot), before its reads.
  const during = await round(kept, async () => await sql('ALTER TABLE t ADD COLUMN during_round text'))
  t.ok(during.findings.includes('extra_column public.t.before_round'), 'the change before the round shows')
  t.notOk(during.findings.includes('extra_column public.t.during_round'), 'the round describes its own snapshot')
  const next = await round(kept)
  t.ok(next.findings.includes('extra_column public.t.during_round'), 'the change during the round shows in the next')
  t.ok(next.sent.length > 1, 'read, not reused')
})

t.test('the fingerprint reads cleanly on PostgreSQL 15 and 18 too', async (t) => {
  for (const major of [15, 18] as const) {
    if (!hasMajor(major)) {
      t.notOk(process.env.CI === 'true', `PostgreSQL ${major} is installed in CI`)
      continue
    }
    const other = await startPostgres({ major })
    try {
      const [row] = await other.query<{ fingerprint: string }>(FINGERPRINT_SQL)
      t.equal(row?.fingerprint.split('\n').length, 16, `${major}: every part`)
    } finally {
      await other.destroy()
    }
  }
})
