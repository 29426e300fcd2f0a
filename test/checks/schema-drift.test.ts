// schema:drift across the rounds of one monitor: the first round reads every table's columns;
// a later round on an unchanged catalog reads only its fingerprint; after a change, one digest
// per table and only the columns of tables that changed. The findings are always what a fresh
// full read would give.
import t, { type Test } from 'tap'
import type { CheckRun } from '../../src/checks/check.js'
import { schemaDrift } from '../../src/checks/schema-drift.js'
import { loadConfig } from '../../src/config.js'
import { loadExpectation } from '../../src/expectation.js'
import { Lease, type Db } from '../../src/postgres/lease.js'
import { createPool } from '../../src/postgres/pool.js'
import { FINGERPRINT_SQL } from '../../src/schema/fingerprint.js'
import type { DriftFacts } from '../../src/schema/findings.js'
import { startPostgres } from '../helpers/postgres.js'

const server = await startPostgres()
t.teardown(() => server.destroy())

t.test('later rounds re-read only changed tables, and find what a full read finds', async (t) => {
  const url = await server.createDatabase()
  const dbName = new URL(url).pathname.slice(1)
  const sql = (text: string) => server.query(text, [], dbName)
  await sql(Array.from({ length: 12 }, (_, i) => `CREATE TABLE t${i} (id integer NOT NULL, name text);`).join('\n'))
  const dir = t.testdir({
    'm.yaml': `version: 1\ntables:\n${Array.from({ length: 12 }, (_, i) => `  t${i}: { columns: { id: { type: integer, nullable: false }, name: text } }\n`).join('')}`
  })
  const { config, expectation, kept, run } = await prepared(t, url, `${dir}/m.yaml`)
  /** One run of the check; returns its findings and the statements it sent. */
  const round = async (check: CheckRun<DriftFacts>) => {
    const { outcome, sent } = await run(check)
    const findings = (outcome.facts?.findings ?? []).map((f) => `${f.kind} ${f.table}${f.column !== undefined ? '.' + f.column : ''}`)
    return { findings, sent, counts: [outcome.facts?.tablesCompared, outcome.facts?.columnsCompared] }
  }
  /** The same round by a freshly prepared check, as a check of the remembered one. */
  const agree = async (label: string, want: string[]) => {
    const remembered = await round(kept)
    const fresh = await round(schemaDrift.prepare(config, expectation))
    t.same(remembered.findings, want, `${label}: findings`)
    t.same(remembered.findings, fresh.findings, `${label}: same as a full read`)
    t.same(remembered.counts, fresh.counts, `${label}: same counts`)
    return remembered.sent
  }

  const first = await agree('first round', [])
  // The design: a fixed, small number of set-based queries, never one per table. 12 tables fit
  // one batch, so the first round is one cursor over one query, read by one FETCH. Each read
  // first sets the search_path names are printed with (the app's, pg_catalog first).
  const APP_PATH = "SELECT pg_catalog.set_config('search_path',"
  const FP = FINGERPRINT_SQL.trim().split(/\s+/).slice(0, 2).join(' ')
  t.same(first, [FP, APP_PATH, 'DECLARE schema_sentinel_catalog', 'FETCH FORWARD', 'CLOSE schema_sentinel_catalog'], 'the first round: one query through the cursor, not one per table')
  t.same(await agree('unchanged', []), [FP], 'an unchanged database: the fingerprint only, nothing else read')

  await sql('ALTER TABLE t3 ADD COLUMN extra text; ALTER TABLE t5 ALTER COLUMN id DROP NOT NULL')
  const changed = await agree('two tables altered', ['extra_column public.t3.extra', 'nullability_mismatch public.t5.id'])
  t.same(changed, [FP, APP_PATH, 'SELECT n.nspname', APP_PATH, 'DECLARE schema_sentinel_catalog', 'FETCH FORWARD', 'CLOSE schema_sentinel_catalog'], 'the digests, then both changed tables in one query')
  t.same(await agree('unchanged again', ['extra_column public.t3.extra', 'nullability_mismatch public.t5.id']), [FP], 'their findings are remembered')

  await sql('DROP TABLE t7; CREATE TABLE surprise (id integer); ALTER TABLE t3 DROP COLUMN extra')
  await agree('dropped, created, reverted', ['nullability_mismatch public.t5.id', 'extra_table public.surprise', 'missing_table public.t7'].sort(byTable))
  await sql('CREATE TABLE t7 (id integer NOT NULL, name text); ALTER TABLE t5 ALTER COLUMN id SET NOT NULL; DROP TABLE surprise')
  await agree('all back', [])

  // Another manifest or configuration means another prepare, whose memory starts empty: it never
  // reuses results made for the first one, while the first keeps its own.
  await sql('CREATE TABLE surprise (id integer)')
  const other = loadConfig({ DATABASE_URL: url, EXPECTED_SCHEMA: `${dir}/m.yaml`, DRIFT_SEVERITY: 'extra_table=ignore' }, {}, { requireDatabase: true })
  const otherRun = await round(schemaDrift.prepare(other, await loadExpectation(other)))
  t.same(otherRun.findings, [], 'another configuration: its own findings (the extra table ignored)')
  t.same(otherRun.sent, [FP, APP_PATH, 'DECLARE schema_sentinel_catalog', 'FETCH FORWARD', 'CLOSE schema_sentinel_catalog'], 'and a full read of its own')
  t.same((await round(kept)).findings, ['extra_table public.surprise'], 'the first check still reads with its own configuration')
})

/**
 * The check prepared once for a manifest, as a monitor does (its memory lives as long as this
 * prepared check), and one run of any prepared check in its own transaction, with the first
 * two words of each statement it sent.
 */
async function prepared (t: Test, url: string, manifest: string) {
  const config = loadConfig({ DATABASE_URL: url, EXPECTED_SCHEMA: manifest }, {}, { requireDatabase: true })
  const expectation = await loadExpectation(config)
  const pool = createPool(config)
  t.teardown(() => pool.end())
  const run = async (check: CheckRun<DriftFacts>) => {
    const lease = new Lease(pool, Date.now() + 10_000)
    const sent: string[] = []
    const db: Db = { query: async (text, params) => { sent.push(text.trim().split(/\s+/).slice(0, 2).join(' ')); return await lease.query(text, params) } }
    try {
      const outcome = await check.run({ db }, new AbortController().signal)
      await lease.endTransaction()
      return { outcome, sent }
    } finally {
      lease.release(false)
    }
  }
  return { config, expectation, kept: schemaDrift.prepare(config, expectation), run }
}

function byTable (a: string, b: string): number {
  const key = (s: string) => s.split(' ')[1]!
  return key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0
}

t.test('the digest covers keys, constraints and indexes; enums are read when the catalog changed', async (t) => {
  const url = await server.createDatabase()
  const sql = (text: string) => server.query(text, [], new URL(url).pathname.slice(1))
  await sql(`CREATE TYPE mood AS ENUM ('happy', 'sad');
    CREATE TABLE users (id integer PRIMARY KEY, email text);
    CREATE TABLE t (id integer PRIMARY KEY, user_id integer REFERENCES users (id), m mood, CONSTRAINT ck CHECK (id > 0));
    CREATE INDEX ix_t_user ON t (user_id);`)
  const dir = t.testdir({
    'm.yaml': `version: 1
tables:
  users: { columns: { id: integer, email: text }, primary_key: [id], unique: [] }
  t:
    columns: { id: integer, user_id: integer, m: mood }
    primary_key: [id]
    foreign_keys: [{ columns: [user_id], references: { table: users, columns: [id] }, on_delete: no action }]
    indexes: [{ columns: [user_id], where: null }]
    checks: [{ name: ck, expression: id > 0 }]
enums:
  mood: [happy, sad]
`
  })
  const { config, expectation, kept, run } = await prepared(t, url, `${dir}/m.yaml`)
  const round = async (check: CheckRun<DriftFacts>) =>
    ((await run(check)).outcome.facts?.findings ?? []).map((f) => `${f.kind} ${f.table ?? f.type}`)
  const agree = async (label: string, want: string[]) => {
    const remembered = await round(kept)
    t.same(remembered, want, label)
    t.same(remembered, await round(schemaDrift.prepare(config, expectation)), `${label}: same as a full read`)
  }
  await agree('clean', [])
  await agree('clean again (digests)', [])
  const steps: Array<[string, string, string[]]> = [
    ['an index dropped', 'DROP INDEX ix_t_user', ['missing_index public.t']],
    ['a foreign key action changed', 'CREATE INDEX ix_t_user ON t (user_id); ALTER TABLE t DROP CONSTRAINT t_user_id_fkey, ADD CONSTRAINT t_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE', ['foreign_key_mismatch public.t']],
    ['a check changed', 'ALTER TABLE t DROP CONSTRAINT t_user_id_fkey, ADD FOREIGN KEY (user_id) REFERENCES users (id); ALTER TABLE t DROP CONSTRAINT ck, ADD CONSTRAINT ck CHECK (id >= 0)', ['check_mismatch public.t']],
    ['a unique constraint added to the other table', 'ALTER TABLE t DROP CONSTRAINT ck, ADD CONSTRAINT ck CHECK (id > 0); ALTER TABLE users ADD UNIQUE (email)', ['extra_unique public.users']],
    ['a referred column renamed', 'ALTER TABLE users DROP CONSTRAINT users_email_key; ALTER TABLE users RENAME COLUMN id TO uid', ['foreign_key_mismatch public.t', 'missing_primary_key public.users', 'missing_column public.users', 'extra_column public.users']],
    ['an enum label added', "ALTER TABLE users RENAME COLUMN uid TO id; ALTER TYPE mood ADD VALUE 'meh'", ['extra_enum_value public.mood']]
  ]
  for (const [label, statement, want] of steps) {
    await sql(statement)
    await agree(label, want)
  }
})
