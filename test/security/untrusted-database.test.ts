// The database is not trusted. An unprivileged app role owns the database and plants code
// everywhere a reader's session might run it: a view in place of the version table, row-level
// security policies, a partial index, expression statistics, a CHECK constraint (with
// constraint_exclusion on), column defaults, functions and operators that shadow pg_catalog's
// under a database-wide search_path of public first. The sentinel connects as superuser (and as
// a plain role). None of the app's functions may run in the sentinel's session: proven by a side
// effect only a superuser can cause (COPY ... TO a file) and by pg_stat_user_functions.
import { existsSync, readdirSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import pg from 'pg'
import t, { type Test } from 'tap'
import type { AlembicFacts } from '../../src/checks/alembic-facts.js'
import { CHECKS, prepareChecks } from '../../src/checks/index.js'
import { runSnapshot } from '../../src/commands/snapshot.js'
import { loadConfig } from '../../src/config.js'
import { loadExpectation } from '../../src/expectation.js'
import { Lease } from '../../src/postgres/lease.js'
import { createPool } from '../../src/postgres/pool.js'
import { runRound } from '../../src/round.js'
import type { Report } from '../../src/report.js'
import { startPostgres } from '../helpers/postgres.js'

const server = await startPostgres({ settings: { track_functions: 'all' } })
t.teardown(() => server.destroy())
// Written by the server's own user, so a COPY TO a file here works for a superuser session.
const markers = dirname(server.dataDir)
const pwned = (): string[] => readdirSync(markers).filter((f) => f.startsWith('pwned-'))

await server.query("CREATE ROLE app LOGIN PASSWORD 'app'; CREATE ROLE sentinel LOGIN PASSWORD 'sentinel-pw-4d7c'")
const url = (role: string, password: string, db: string): string => `postgres://${role}:${password}@127.0.0.1:${server.port}/${db}`

/** Runs SQL as the app role, in its own database. */
async function asApp (db: string, sql: string): Promise<void> {
  const client = new pg.Client(url('app', 'app', db))
  await client.connect()
  try {
    await client.query(sql)
  } finally {
    await client.end()
  }
}

// pwn() tries what only a superuser may: write a file on the server, and make the app superuser.
const PLANT_FUNCTIONS = `
CREATE FUNCTION public.pwn(tag text) RETURNS integer LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  BEGIN EXECUTE pg_catalog.format('COPY (SELECT 1) TO %L', pg_catalog.concat('${markers}/pwned-', tag)); EXCEPTION WHEN OTHERS THEN NULL; END;
  BEGIN EXECUTE 'ALTER ROLE app SUPERUSER'; EXCEPTION WHEN OTHERS THEN NULL; END;
  RETURN 1;
END $$;
-- Immutable, so that planning a query folds it; it calls the volatile one (which may write).
CREATE FUNCTION public.imm(tag text) RETURNS integer LANGUAGE plpgsql IMMUTABLE AS $$ BEGIN RETURN public.pwn(tag); END $$;`

// Same names and argument types as the pg_catalog functions and operators our SQL uses, or a
// closer match than pg_catalog's (pg_table_size(oid) against pg_catalog's regclass).
const SHADOWS = `
CREATE FUNCTION public.to_regclass(text) RETURNS regclass LANGUAGE plpgsql AS $$ BEGIN PERFORM public.pwn('to_regclass'); RETURN pg_catalog.to_regclass($1); END $$;
CREATE FUNCTION public.format_type(oid, integer) RETURNS text LANGUAGE plpgsql AS $$ BEGIN PERFORM public.pwn('format_type'); RETURN pg_catalog.format_type($1, $2); END $$;
CREATE FUNCTION public.pg_get_expr(pg_node_tree, oid) RETURNS text LANGUAGE plpgsql AS $$ BEGIN PERFORM public.pwn('pg_get_expr'); RETURN pg_catalog.pg_get_expr($1, $2); END $$;
CREATE FUNCTION public.pg_table_size(oid) RETURNS bigint LANGUAGE plpgsql AS $$ BEGIN PERFORM public.pwn('pg_table_size'); RETURN 0; END $$;
CREATE FUNCTION public.set_config(text, text, boolean) RETURNS text LANGUAGE plpgsql AS $$ BEGIN PERFORM public.pwn('set_config'); RETURN pg_catalog.set_config($1, $2, $3); END $$;
CREATE FUNCTION public.row_security_active(oid) RETURNS boolean LANGUAGE plpgsql AS $$ BEGIN PERFORM public.pwn('row_security_active'); RETURN false; END $$;
CREATE FUNCTION public.eq_name_text(name, text) RETURNS boolean LANGUAGE plpgsql AS $$ BEGIN PERFORM public.pwn('eq_name_text'); RETURN $1::text OPERATOR(pg_catalog.=) $2; END $$;
CREATE FUNCTION public.eq_oid(oid, oid) RETURNS boolean LANGUAGE plpgsql AS $$ BEGIN PERFORM public.pwn('eq_oid'); RETURN $1 OPERATOR(pg_catalog.=) $2; END $$;
CREATE FUNCTION public.eq_char("char", "char") RETURNS boolean LANGUAGE plpgsql AS $$ BEGIN PERFORM public.pwn('eq_char'); RETURN $1 OPERATOR(pg_catalog.=) $2; END $$;
CREATE FUNCTION public.eq_text(text, text) RETURNS boolean LANGUAGE plpgsql AS $$ BEGIN PERFORM public.pwn('eq_text'); RETURN $1 OPERATOR(pg_catalog.=) $2; END $$;
CREATE FUNCTION public.gt_int24(int2, int4) RETURNS boolean LANGUAGE plpgsql AS $$ BEGIN PERFORM public.pwn('gt_int24'); RETURN $1 OPERATOR(pg_catalog.>) $2; END $$;
CREATE OPERATOR public.= (LEFTARG = name, RIGHTARG = text, FUNCTION = public.eq_name_text);
CREATE OPERATOR public.= (LEFTARG = oid, RIGHTARG = oid, FUNCTION = public.eq_oid);
CREATE OPERATOR public.= (LEFTARG = "char", RIGHTARG = "char", FUNCTION = public.eq_char);
CREATE OPERATOR public.= (LEFTARG = text, RIGHTARG = text, FUNCTION = public.eq_text);
CREATE OPERATOR public.> (LEFTARG = int2, RIGHTARG = int4, FUNCTION = public.gt_int24);`

// Last: from here on every new session of this database looks in public first.
const SESSION_DEFAULTS = (db: string) => `
ALTER DATABASE ${db} SET search_path = public, pg_catalog;
ALTER DATABASE ${db} SET constraint_exclusion = on;
ALTER DATABASE ${db} SET row_security = on;`

/** Calls of each app function so far, read without touching the planted operators. */
async function calls (db: string): Promise<Record<string, number>> {
  const client = new pg.Client({ connectionString: server.url(db), options: '-c search_path=pg_catalog' })
  await client.connect()
  try {
    const rows = (await client.query<{ funcname: string, calls: string }>('SELECT funcname, calls FROM pg_catalog.pg_stat_user_functions')).rows
    return Object.fromEntries(rows.map((r) => [r.funcname, Number(r.calls)]))
  } finally {
    await client.end()
  }
}

/** Waits until no session of `role` is left: a backend flushes its function counts as it exits. */
async function sessionsGone (db: string, role?: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const [row] = await server.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND ($2::text IS NULL OR usename = $2) AND pid <> pg_backend_pid()', [db, role ?? null])
    if (row!.n === 0) return
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
  throw new Error(`sessions on ${db} did not end`)
}

const dir = t.testdir({})
const manifest = join(dir, 'expected.json')
// rls and policies: the round reads the tables' policies too (one calls pwn()).
writeFileSync(manifest, JSON.stringify({ version: 1, tables: { pdfs: { columns: { id: 'integer', label: { type: 'text', default: "pwn('default')" } }, rls: false, policies: [] } } }))

async function round (databaseUrl: string): Promise<Report> {
  const config = loadConfig({ DATABASE_URL: databaseUrl, CHECK_TIMEOUT_MS: '10000', EXPECTED_REVISION: 'c', EXPECTED_SCHEMA: manifest }, {}, { requireDatabase: true })
  const pool = createPool(config)
  try {
    return await runRound({ pool, checks: prepareChecks(CHECKS, config, await loadExpectation(config)), config, version: 'test' })
  } finally {
    await pool.end()
  }
}

const result = (report: Report, name: string) => report.checks.find((c) => c.name === name)!

/** A database owned by the app, planted by `plant`; the calls of its functions once the app has left. */
async function plantedDatabase (db: string, plant: string): Promise<Record<string, number>> {
  await server.query(`CREATE DATABASE ${db} OWNER app`)
  await asApp(db, PLANT_FUNCTIONS + plant + SHADOWS)
  await server.query(SESSION_DEFAULTS(db))
  await sessionsGone(db)
  return await calls(db)
}

async function noneRan (t: Test, db: string, before: Record<string, number>): Promise<void> {
  await sessionsGone(db)
  t.same(await calls(db), before, 'pg_stat_user_functions: not one call of an app function since the app set up')
  t.same(pwned(), [], 'no superuser side effect: no file was written')
  t.same(await server.query("SELECT rolsuper FROM pg_roles WHERE rolname = 'app'"), [{ rolsuper: false }], 'the app role is not superuser')
}

t.test('a plain version table with policies, a partial index, expression statistics, a CHECK; shadowed functions and operators', async (t) => {
  const db = 'planted'
  const before = await plantedDatabase(db, `
    CREATE TABLE public.alembic_version (version_num varchar(32) NOT NULL PRIMARY KEY CHECK (public.imm('check') = 1));
    INSERT INTO public.alembic_version VALUES ('c');
    CREATE INDEX ix_planted ON public.alembic_version (version_num) WHERE public.imm('index_predicate') = 1;
    CREATE INDEX ix_expression ON public.alembic_version ((public.imm('index_expression') + length(version_num)));
    CREATE STATISTICS st_planted ON (public.imm('statistics') + length(version_num)), version_num FROM public.alembic_version;
    ALTER TABLE public.alembic_version ENABLE ROW LEVEL SECURITY;
    CREATE POLICY everyone ON public.alembic_version USING (public.pwn('policy') = 1);
    CREATE TABLE public.pdfs (id integer, label text DEFAULT public.pwn('default')::text);
    CREATE POLICY mine ON public.pdfs USING (public.pwn('pdfs_policy') = 1);
    GRANT SELECT ON public.alembic_version, public.pdfs TO sentinel;`)
  t.ok((before.imm ?? 0) > 0, `the planted functions do run when the app itself uses them (imm: ${before.imm} calls)`)

  const superuser = await round(server.url(db))
  t.same(superuser.checks.map((c) => [c.name, c.status]), [['postgres:connectivity', 'pass'], ['alembic:revision', 'pass'], ['schema:drift', 'pass'], ['security:exposure', 'pass']],
    `as superuser every check passes (${superuser.checks.map((c) => c.output).filter(Boolean).join('; ')})`)
  t.equal((result(superuser, 'alembic:revision').facts as AlembicFacts | undefined)?.state, 'current')
  t.same((result(superuser, 'alembic:revision').facts as AlembicFacts | undefined)?.database, ['c'])

  const snapshot = JSON.parse(await runSnapshot(loadConfig({ DATABASE_URL: server.url(db) }, {}, { requireDatabase: true }), 'json'))
  t.same(snapshot.alembic, { heads: ['c'] }, 'snapshot reads the heads too')
  t.equal(snapshot.tables.pdfs.columns.label.default, "(pwn('default'::text))::text", 'and prints the default as the app sees it, without running it')
  t.same(snapshot.tables.pdfs.policies.mine.using, "(pwn('pdfs_policy'::text) = 1)", 'and a policy, without running it')
  t.same(result(superuser, 'schema:drift').output, 'public.pdfs: policy "mine" exists but is not in the manifest', 'the round read the policies')

  const plain = await round(url('sentinel', 'sentinel-pw-4d7c', db))
  const alembic = result(plain, 'alembic:revision')
  t.equal(alembic.status, 'fail', 'as a role that policies apply to, the version table is refused')
  t.equal(alembic.output, 'version table public.alembic_version has row-level security that applies to role sentinel: schema-sentinel does not run its policies (turn row-level security off on the version table, or give the role BYPASSRLS)')
  t.equal(result(plain, 'schema:drift').status, 'pass', 'the drift check still runs')

  // Below the catalog's refusal, row_security = off: a read the policy would apply to fails
  // instead of running the policy, whether a SELECT or the COPY the version table is read with.
  const pool = createPool(loadConfig({ DATABASE_URL: url('sentinel', 'sentinel-pw-4d7c', db) }, {}, { requireDatabase: true }))
  try {
    for (const read of [
      (lease: Lease) => lease.query('SELECT version_num FROM public.alembic_version'),
      (lease: Lease) => lease.copyColumn({ schema: 'public', name: 'alembic_version' }, 'version_num', () => {})
    ]) {
      const lease = new Lease(pool, Date.now() + 10_000)
      const err = await read(lease).then(() => undefined, (e: { code?: string, message?: string }) => e)
      t.equal(err?.code, '42501', `refused by PostgreSQL: ${err?.message}`)
      await lease.endTransaction()
      lease.release(false)
    }
  } finally {
    await pool.end()
  }

  await noneRan(t, db, before)
})

t.test('a view in place of the version table', async (t) => {
  const db = 'viewed'
  const before = await plantedDatabase(db, `
    CREATE VIEW public.alembic_version AS SELECT 'c'::varchar(32) AS version_num WHERE public.pwn('view') = 1;
    CREATE TABLE public.pdfs (id integer, label text DEFAULT public.pwn('default')::text);`)
  const report = await round(server.url(db))
  const alembic = result(report, 'alembic:revision')
  t.equal(alembic.status, 'fail')
  t.equal(alembic.output, 'version table public.alembic_version is a view, not a table: schema-sentinel reads only a plain table (reading a view runs its query)')
  t.equal(result(report, 'schema:drift').status, 'pass')
  const snapshot = await runSnapshot(loadConfig({ DATABASE_URL: server.url(db) }, {}, { requireDatabase: true }), 'json').then(() => 'read', (err: Error) => err.message)
  t.equal(snapshot, 'cannot snapshot the database: version table public.alembic_version is a view, not a table: schema-sentinel reads only a plain table (reading a view runs its query)')
  await noneRan(t, db, before)
})

t.test('what else is not a plain table is named', async (t) => {
  const cases: Array<[string, string]> = [
    ["CREATE MATERIALIZED VIEW alembic_version AS SELECT 'c'::varchar(32) AS version_num", 'is a materialized view, not a table: schema-sentinel reads only a plain table'],
    ['CREATE SEQUENCE alembic_version', 'is a sequence, not a table: schema-sentinel reads only a plain table'],
    ['CREATE TABLE alembic_version (revision varchar(32))', 'has no version_num column'],
    ["CREATE TABLE alembic_version (version_num varchar(32)) PARTITION BY LIST (version_num); CREATE TABLE av_c PARTITION OF alembic_version FOR VALUES IN ('c'); INSERT INTO alembic_version VALUES ('c')", '']
  ]
  let n = 0
  for (const [sql, problem] of cases) {
    const db = `kinds_${++n}`
    await server.query(`CREATE DATABASE ${db} OWNER app`)
    await asApp(db, sql)
    const alembic = result(await round(server.url(db)), 'alembic:revision')
    if (problem === '') t.same([alembic.status, (alembic.facts as AlembicFacts | undefined)?.database], ['pass', ['c']], 'a partitioned table is read through its partitions')
    else t.equal(alembic.output, `version table public.alembic_version ${problem}`, problem)
  }
})

t.test('the markers would show: a superuser session that reads the planted view writes the file', async (t) => {
  // The test's own proof that its side effect is real (so that "no file" above means something).
  const client = new pg.Client(server.url('viewed'))
  await client.connect()
  try {
    await client.query('BEGIN TRANSACTION READ ONLY')
    await client.query('SELECT version_num FROM public.alembic_version')
    await client.query('ROLLBACK')
  } finally {
    await client.end()
  }
  t.ok(existsSync(join(markers, 'pwned-view')), 'a READ ONLY transaction does not stop it')
})
