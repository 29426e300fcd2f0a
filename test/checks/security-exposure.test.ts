// security:exposure against a real PostgreSQL with roles made like Supabase's: anon and
// authenticated (NOLOGIN), service_role (BYPASSRLS), authenticator (LOGIN, NOINHERIT, member of
// all three). Each finding, its absence where nothing is exposed, and not_checked without roles.
import pg from 'pg'
import t from 'tap'
import { CHECKS, prepareChecks } from '../../src/checks/index.js'
import { securityExposure } from '../../src/checks/security-exposure.js'
import { loadConfig } from '../../src/config.js'
import { loadExpectation } from '../../src/expectation.js'
import { Lease, type Db } from '../../src/postgres/lease.js'
import { createPool } from '../../src/postgres/pool.js'
import { renderHealth } from '../../src/render/health.js'
import type { CheckResult } from '../../src/report.js'
import type { ExposureFacts } from '../../src/security/findings.js'
import { runRound } from '../../src/round.js'
import { EXPOSURE_FINGERPRINT_SQL } from '../../src/security/exposure-fingerprint.js'
import { EXPOSURE_SQL } from '../../src/security/exposure-query.js'
import { startPostgres } from '../helpers/postgres.js'

const server = await startPostgres()
t.teardown(() => server.destroy())

/** One real round (every check, in the round's read-only transactions); the exposure result. */
async function exposureOf (url: string, env: Record<string, string> = {}): Promise<CheckResult> {
  const config = loadConfig({ DATABASE_URL: url, CHECK_TIMEOUT_MS: '10000', ...env }, {}, { requireDatabase: true })
  const pool = createPool(config)
  try {
    const report = await runRound({ pool, checks: prepareChecks(CHECKS, config, await loadExpectation(config)), config, version: 'test' })
    const result = report.checks.find((c) => c.name === 'security:exposure')
    if (result === undefined) throw new Error('no security:exposure result')
    return result
  } finally {
    await pool.end()
  }
}

const facts = (r: CheckResult): ExposureFacts | undefined => r.facts as ExposureFacts | undefined

/** "severity kind table grants" per finding, in the check's order. */
const listed = (r: CheckResult): string[] =>
  (facts(r)?.findings ?? []).map((f) => `${f.severity} ${f.kind} ${f.table} ${Object.entries(f.grants).map(([role, p]) => `${role}:${p.join('+')}`).join(' ')}`)

async function database (): Promise<{ url: string, sql: (text: string) => Promise<unknown> }> {
  const url = await server.createDatabase()
  const name = new URL(url).pathname.slice(1)
  return { url, sql: (text) => server.query(text, [], name) }
}

// Roles are cluster-wide: this runs before any of them exists.
t.test('no exposed role exists (a plain PostgreSQL): pass, not_checked', async (t) => {
  const { url, sql } = await database()
  await sql('CREATE TABLE lab_reports (id int); GRANT SELECT ON lab_reports TO PUBLIC')
  const r = await exposureOf(url)
  t.equal(r.status, 'pass')
  t.notOk(r.errored)
  t.match(r.output, /^not_checked: none of the roles anon, authenticated exists/)
  t.equal(facts(r)?.state, 'not_checked')
  t.same(facts(r)?.findings, [])
})

t.test('Supabase roles', async (t) => {
  await server.query(`
    CREATE ROLE anon NOLOGIN NOINHERIT;
    CREATE ROLE authenticated NOLOGIN NOINHERIT;
    CREATE ROLE service_role NOLOGIN NOINHERIT BYPASSRLS;
    CREATE ROLE authenticator LOGIN NOINHERIT;
    GRANT anon, authenticated, service_role TO authenticator;
    CREATE ROLE api_readers NOLOGIN`)

  t.test('each finding: direct grants, PUBLIC, membership, column grants, partitions, views, schemas', async (t) => {
    const { url, sql } = await database()
    await sql(`
      -- anon inherits what api_readers holds (anon itself is NOINHERIT on Supabase; this one is not).
      ALTER ROLE anon INHERIT;
      GRANT api_readers TO anon;

      CREATE TABLE lab_reports (id int, patient text);                      -- direct grants, RLS off
      GRANT ALL ON lab_reports TO anon, authenticated;
      CREATE TABLE audit_log (id int);                                      -- through PUBLIC
      GRANT SELECT ON audit_log TO PUBLIC;
      CREATE TABLE shared_notes (id int);                                   -- through a membership
      GRANT SELECT, UPDATE ON shared_notes TO api_readers;
      CREATE TABLE profiles (id int, email text, secret text);              -- one column
      GRANT SELECT (email) ON profiles TO anon;

      CREATE TABLE biomarkers (id int, owner uuid);                         -- guarded
      ALTER TABLE biomarkers ENABLE ROW LEVEL SECURITY;
      CREATE POLICY own ON biomarkers FOR SELECT TO authenticated USING (true);
      GRANT SELECT ON biomarkers TO anon, authenticated;
      CREATE TABLE drafts (id int);                                         -- RLS, no policy
      ALTER TABLE drafts ENABLE ROW LEVEL SECURITY;
      GRANT SELECT ON drafts TO authenticated;
      CREATE TABLE backend_only (id int);                                   -- no API grant
      GRANT ALL ON backend_only TO service_role;

      CREATE TABLE events (id int, at date) PARTITION BY RANGE (at);        -- partitioned, RLS off
      CREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
      GRANT SELECT ON events, events_2024 TO anon;
      CREATE TABLE readings (id int, at date) PARTITION BY RANGE (at);      -- partitioned, guarded
      CREATE TABLE readings_2024 PARTITION OF readings FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
      ALTER TABLE readings ENABLE ROW LEVEL SECURITY;
      CREATE POLICY mine ON readings TO authenticated USING (true);
      GRANT SELECT ON readings, readings_2024 TO authenticated;

      CREATE VIEW report_summary AS SELECT id FROM biomarkers;              -- definer view
      GRANT SELECT ON report_summary TO anon;
      CREATE VIEW invoker_summary WITH (security_invoker = on) AS SELECT id FROM biomarkers;
      GRANT SELECT ON invoker_summary TO anon;
      CREATE VIEW invoker_t WITH (security_invoker = 't') AS SELECT id FROM biomarkers;
      GRANT SELECT ON invoker_t TO anon;
      CREATE VIEW switched_off WITH (security_invoker = true) AS SELECT id FROM biomarkers;
      ALTER VIEW switched_off SET (security_invoker = off);
      GRANT SELECT ON switched_off TO authenticated;
      CREATE VIEW unreadable AS SELECT id FROM biomarkers;                  -- no grant

      CREATE SCHEMA private;                                                -- not an API schema
      GRANT USAGE ON SCHEMA private TO anon;
      CREATE TABLE private.ledger (id int);
      GRANT SELECT ON private.ledger TO anon;
      CREATE SCHEMA locked;                                                 -- no USAGE for the API roles
      CREATE TABLE locked.keys (id int);
      GRANT SELECT ON locked.keys TO anon`)

    const r = await exposureOf(url)
    t.equal(r.status, 'fail', 'an exposed table fails the check')
    t.notOk(r.errored)
    t.same(listed(r), [
      'fail exposed_without_rls public.audit_log anon:select authenticated:select',
      'fail exposed_without_rls public.events anon:select',
      'fail exposed_without_rls public.lab_reports anon:select+insert+update+delete authenticated:select+insert+update+delete',
      'fail exposed_without_rls public.profiles anon:select',
      'fail exposed_without_rls public.shared_notes anon:select+update',
      'warn exposed_definer_view public.report_summary anon:select',
      'warn exposed_definer_view public.switched_off authenticated:select',
      'info rls_without_policy public.drafts authenticated:select'
    ])
    const events = facts(r)?.findings.find((f) => f.table === 'public.events')
    t.equal(events?.relation, 'partitioned table', 'the partitioned parent is reported, its partition is not')
    t.equal(r.output, `${facts(r)?.findings[0]?.message} (and 7 more)`)
    t.equal(r.observedValue, 8)
    t.same(facts(r)?.roles, ['anon', 'authenticated'])
    // biomarkers, readings, invoker_summary, invoker_t: reachable and guarded.
    t.equal(facts(r)?.reachable, 12, 'reachable relations: the 8 above and the 4 that are guarded')

    const body = renderHealth({ version: 't', startedAt: 0, finishedAt: 0, up: true, checks: [r], errorsTotal: {} }, 'schema', true, { version: 't' }).body
    const entry = body.checks?.['security:exposure']?.[0]
    t.equal(entry?.status, 'fail')
    t.same((entry?.findings as unknown[]).length, 8, 'the health entry carries its findings')

    const wider = await exposureOf(url, { EXPOSED_SCHEMAS: 'public,private,locked' })
    t.ok(listed(wider).includes('fail exposed_without_rls private.ledger anon:select'), 'a schema named in EXPOSED_SCHEMAS is checked')
    t.notOk(listed(wider).some((l) => l.includes('locked.keys')), 'a schema the role may not use is not reachable')

    const onlyAnon = await exposureOf(url, { EXPOSED_ROLES: 'anon' })
    t.notOk(listed(onlyAnon).some((l) => l.includes('authenticated')), 'only the configured roles count')
    t.notOk(listed(onlyAnon).some((l) => l.includes('public.drafts')), 'drafts is reachable by authenticated only')
  })

  t.test('nothing exposed: no findings, pass, no output', async (t) => {
    const { url, sql } = await database()
    await sql(`
      CREATE TABLE lab_reports (id int);
      ALTER TABLE lab_reports ENABLE ROW LEVEL SECURITY;
      CREATE POLICY own ON lab_reports TO authenticated USING (true);
      GRANT ALL ON lab_reports TO anon, authenticated;
      CREATE TABLE internal (id int);
      GRANT ALL ON internal TO service_role;
      CREATE VIEW v WITH (security_invoker) AS SELECT id FROM lab_reports;
      GRANT SELECT ON v TO anon;
      CREATE VIEW backend_view AS SELECT id FROM internal;
      CREATE SCHEMA private;
      CREATE TABLE private.t (id int);
      GRANT USAGE ON SCHEMA private TO anon;
      GRANT SELECT ON private.t TO anon`)
    const r = await exposureOf(url)
    t.equal(r.status, 'pass')
    t.equal(r.output, undefined)
    t.same(facts(r)?.findings, [])
    t.equal(facts(r)?.reachable, 2)
    t.equal(r.observedValue, 0)
  })

  t.test('the round deadline: a lock on pg_policy ends the check with a timeout, not a hang', async (t) => {
    const { url, sql } = await database()
    await sql('CREATE TABLE lab_reports (id int); GRANT SELECT ON lab_reports TO anon')
    // A DDL statement holds such locks until it commits; here a session holds one on the catalog itself.
    const holder = new pg.Client({ connectionString: url, application_name: 'lock-holder' })
    await holder.connect()
    t.teardown(() => holder.end())
    await holder.query('BEGIN')
    await holder.query('LOCK TABLE pg_catalog.pg_policy IN ACCESS EXCLUSIVE MODE')
    const blocked = await exposureOf(url, { CHECK_TIMEOUT_MS: '1500' })
    t.equal(blocked.status, 'fail')
    t.ok(blocked.errored, 'counted as an errored check')
    t.match(blocked.output, /timeout/)
    await holder.query('ROLLBACK')
    const freed = await exposureOf(url, { CHECK_TIMEOUT_MS: '1500' })
    t.same(listed(freed), ['fail exposed_without_rls public.lab_reports anon:select'], 'the next round answers')
  })

  t.test('one statement, and no function or operator of the database runs', async (t) => {
    const { url, sql } = await database()
    const name = new URL(url).pathname.slice(1)
    // The database's owner shadows what the query calls and compares with, first on the path.
    await sql(`
      CREATE FUNCTION public.planted() RETURNS boolean LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'planted code ran'; END $$;
      CREATE FUNCTION public.has_table_privilege(oid, oid, text) RETURNS boolean LANGUAGE sql AS 'SELECT public.planted()';
      CREATE FUNCTION public.has_any_column_privilege(oid, oid, text) RETURNS boolean LANGUAGE sql AS 'SELECT public.planted()';
      CREATE FUNCTION public.has_schema_privilege(oid, oid, text) RETURNS boolean LANGUAGE sql AS 'SELECT public.planted()';
      CREATE FUNCTION public.array_remove(text[], text) RETURNS text[] LANGUAGE sql AS 'SELECT CASE WHEN public.planted() THEN $1 END';
      CREATE FUNCTION public.eq_name_text(name, text) RETURNS boolean LANGUAGE sql AS 'SELECT public.planted()';
      CREATE OPERATOR public.= (LEFTARG = name, RIGHTARG = text, FUNCTION = public.eq_name_text);
      CREATE FUNCTION public.eq_oid(oid, oid) RETURNS boolean LANGUAGE sql AS 'SELECT public.planted()';
      CREATE OPERATOR public.= (LEFTARG = oid, RIGHTARG = oid, FUNCTION = public.eq_oid);
      CREATE FUNCTION public.eq_char("char", "char") RETURNS boolean LANGUAGE sql AS 'SELECT public.planted()';
      CREATE OPERATOR public.= (LEFTARG = "char", RIGHTARG = "char", FUNCTION = public.eq_char);
      CREATE TABLE lab_reports (id int);
      GRANT SELECT ON lab_reports TO anon;
      ALTER DATABASE ${name} SET search_path = public, pg_catalog`)
    const config = loadConfig({ DATABASE_URL: url }, {}, { requireDatabase: true })
    const pool = createPool(config)
    t.teardown(() => pool.end())
    const lease = new Lease(pool, Date.now() + 10_000)
    const sent: string[] = []
    const db: Db = { query: async (text, params) => { sent.push(text); return await lease.query(text, params) } }
    try {
      const outcome = await securityExposure.prepare(config, await loadExpectation(config)).run({ db }, new AbortController().signal)
      t.same(outcome.facts?.findings.map((f) => `${f.kind} ${f.table}`), ['exposed_without_rls public.lab_reports'])
    } finally {
      await lease.endTransaction()
      lease.release(false)
    }
    t.same(sent, [EXPOSURE_FINGERPRINT_SQL, EXPOSURE_SQL], 'the fingerprint, then one set-based statement, however many tables')
    // The traps are live: the same query written without qualification runs the planted code.
    const unqualified = "SELECT count(*) FROM pg_class c WHERE has_table_privilege('anon'::regrole, c.oid, 'SELECT')"
    await t.rejects(server.query(unqualified, [], name), /planted code ran/, 'an unqualified call would have run it')
    await t.rejects(server.query("SELECT count(*) FROM pg_roles WHERE rolname = 'anon'::text", [], name), /planted code ran/, 'and so would an unqualified =')
  })
})
