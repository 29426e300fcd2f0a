// Row-level security, policies and grants in the manifest, against a real PostgreSQL with roles
// made like Supabase's: a snapshot checked against its own database finds nothing; each change
// gives its finding; the fixes' statements bring the database back; a hand-written manifest
// compares policies structurally; tables without the keys are not compared for them.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { schemaDrift } from '../../src/checks/schema-drift.js'
import { runSnapshot } from '../../src/commands/snapshot.js'
import { loadConfig } from '../../src/config.js'
import { loadExpectation } from '../../src/expectation.js'
import { Lease, type Db } from '../../src/postgres/lease.js'
import { createPool } from '../../src/postgres/pool.js'
import type { Finding } from '../../src/schema/findings.js'
import { FINGERPRINT_SQL } from '../../src/schema/fingerprint.js'
import { startPostgres } from '../helpers/postgres.js'

const server = await startPostgres()
t.teardown(() => server.destroy())
await server.query(`
  CREATE ROLE anon NOLOGIN NOINHERIT;
  CREATE ROLE authenticated NOLOGIN NOINHERIT;
  CREATE ROLE service_role NOLOGIN NOINHERIT BYPASSRLS`)

const SECURITY_KINDS = new Set(['rls_mismatch', 'missing_policy', 'policy_mismatch', 'extra_policy', 'missing_grant', 'extra_grant'])

const FIXTURE = `
  CREATE SCHEMA auth;
  CREATE FUNCTION auth.uid() RETURNS text LANGUAGE sql STABLE AS 'SELECT current_user::text';
  CREATE TABLE lab_reports (id int PRIMARY KEY, owner text NOT NULL, body text);
  ALTER TABLE lab_reports ENABLE ROW LEVEL SECURITY;
  ALTER TABLE lab_reports FORCE ROW LEVEL SECURITY;
  CREATE POLICY "read own" ON lab_reports FOR SELECT TO authenticated USING (owner = auth.uid());
  CREATE POLICY write_own ON lab_reports FOR INSERT TO authenticated WITH CHECK (lab_reports.owner = auth.uid() AND body IS NOT NULL);
  CREATE POLICY no_drafts ON lab_reports AS RESTRICTIVE FOR ALL TO anon, authenticated USING (body <> 'draft');
  GRANT SELECT ON lab_reports TO anon;
  GRANT SELECT, INSERT, UPDATE, DELETE ON lab_reports TO authenticated;
  GRANT ALL ON lab_reports TO service_role;
  CREATE TABLE events (id int, at date) PARTITION BY RANGE (at);
  CREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
  ALTER TABLE events ENABLE ROW LEVEL SECURITY;
  CREATE POLICY mine ON events USING (true);
  GRANT SELECT ON events TO PUBLIC;
  CREATE TABLE plain (id int);`

async function database (): Promise<{ url: string, sql: (text: string) => Promise<unknown> }> {
  const url = await server.createDatabase()
  const name = new URL(url).pathname.slice(1)
  await server.query(FIXTURE, [], name)
  return { url, sql: (text) => server.query(text, [], name) }
}

/** A statement reading pg_policy other than the catalog fingerprint (which counts its rows every round). */
const readsPolicies = (s: string): boolean => s.includes('pg_catalog.pg_policy') && s !== FINGERPRINT_SQL

/** One run of schema:drift with that manifest: its findings and the statements it sent. */
async function drift (url: string, manifest: string, env: Record<string, string> = {}): Promise<{ findings: Finding[], sent: string[] }> {
  const config = loadConfig({ DATABASE_URL: url, EXPECTED_SCHEMA: manifest, ...env }, {}, { requireDatabase: true })
  const check = schemaDrift.prepare(config, await loadExpectation(config))
  const pool = createPool(config)
  const lease = new Lease(pool, Date.now() + 10_000)
  const sent: string[] = []
  const db: Db = { query: async (text, params) => { sent.push(text); return await lease.query(text, params) } }
  try {
    const outcome = await check.run({ db }, new AbortController().signal)
    await lease.endTransaction()
    return { findings: [...outcome.facts?.findings ?? []], sent }
  } finally {
    lease.release(false)
    await pool.end()
  }
}

const listed = (findings: readonly Finding[]) => findings.filter((f) => SECURITY_KINDS.has(f.kind))
  .map((f) => `${f.severity} ${f.kind} ${f.table ?? ''}${f.name !== undefined ? ` "${f.name}"` : ''}${f.role !== undefined ? ` ${f.role}:${(f.privileges ?? []).join('+')}` : ''}`)

t.test('snapshot then check finds nothing (JSON and YAML), then each change its finding, and the fixes bring it back', async (t) => {
  const { url, sql } = await database()
  const dir = t.testdir()
  const json = join(dir, 'expected.json')
  const yaml = join(dir, 'expected.yaml')
  const config = loadConfig({ DATABASE_URL: url }, {}, { requireDatabase: true })
  writeFileSync(json, await runSnapshot(config, 'json'))
  writeFileSync(yaml, await runSnapshot(config, 'yaml'))

  const snap = JSON.parse(await runSnapshot(config, 'json')) as { tables: Record<string, Record<string, unknown>> }
  t.same(snap.tables.lab_reports?.grants, {
    anon: ['select'], authenticated: ['select', 'insert', 'update', 'delete'], service_role: ['select', 'insert', 'update', 'delete']
  }, "grants without the owner's own (acldefault)")
  t.same(snap.tables.events?.grants, { PUBLIC: ['select'] }, 'a grant to PUBLIC')
  t.same(snap.tables.plain, { ...snap.tables.plain, rls: false, force_rls: false, policies: {}, grants: {} })
  t.same(snap.tables.lab_reports?.policies, {
    no_drafts: { command: 'all', permissive: false, roles: ['anon', 'authenticated'], using: "(body <> 'draft'::text)", with_check: null },
    'read own': { command: 'select', permissive: true, roles: ['authenticated'], using: '(owner = auth.uid())', with_check: null },
    write_own: { command: 'insert', permissive: true, roles: ['authenticated'], using: null, with_check: '((owner = auth.uid()) AND (body IS NOT NULL))' }
  }, 'policies as pg_policies prints them')
  t.notOk('events_2024' in snap.tables, 'the partition is not listed')
  t.match(await runSnapshot(config, 'yaml'), /\n {4}policies:\n {6}no_drafts: \{ command: all, permissive: false, roles: \[ anon, authenticated \]/, 'YAML: one line per policy')

  for (const file of [json, yaml]) {
    const { findings, sent } = await drift(url, file)
    t.same(findings, [], `${file}: nothing differs`)
    t.equal(sent.filter(readsPolicies).length, 1, 'one set-based statement reads every table')
  }

  await sql(`
    ALTER TABLE lab_reports NO FORCE ROW LEVEL SECURITY;
    ALTER TABLE events DISABLE ROW LEVEL SECURITY;
    ALTER TABLE plain ENABLE ROW LEVEL SECURITY;
    DROP POLICY write_own ON lab_reports;
    ALTER POLICY "read own" ON lab_reports USING (owner = 'x');
    ALTER POLICY mine ON events TO authenticated;
    CREATE POLICY sneaky ON plain USING (true);
    REVOKE INSERT ON lab_reports FROM authenticated;
    GRANT INSERT, UPDATE ON plain TO anon;
    REVOKE SELECT ON events FROM PUBLIC`)
  const changed = await drift(url, yaml)
  t.same(listed(changed.findings), [
    'fail rls_mismatch public.events',
    'warn policy_mismatch public.events "mine"',
    'fail missing_grant public.events PUBLIC:select',
    'fail rls_mismatch public.lab_reports',
    'warn missing_policy public.lab_reports "write_own"',
    'warn policy_mismatch public.lab_reports "read own"',
    'fail missing_grant public.lab_reports authenticated:insert',
    'warn rls_mismatch public.plain',
    'info extra_policy public.plain "sneaky"',
    'warn extra_grant public.plain anon:insert+update'
  ])
  t.same(changed.findings.length, 10, 'nothing else')
  const by = (kind: string, table: string) => changed.findings.find((f) => f.kind === kind && f.table === table)
  t.match(by('policy_mismatch', 'public.lab_reports')?.message, /using \(owner = 'x'::text\), expected \(owner = auth\.uid\(\)\)/)
  t.same(by('rls_mismatch', 'public.lab_reports')?.expected, { force_rls: true })
  t.equal(by('missing_grant', 'public.lab_reports')?.fix?.sql, 'GRANT INSERT ON public.lab_reports TO authenticated;')
  t.equal(by('extra_grant', 'public.plain')?.fix?.sql, 'REVOKE INSERT, UPDATE ON public.plain FROM anon;')
  t.equal(by('rls_mismatch', 'public.events')?.fix?.sql, 'ALTER TABLE public.events ENABLE ROW LEVEL SECURITY;')
  t.equal(by('missing_policy', 'public.lab_reports')?.fix?.sql,
    'CREATE POLICY write_own ON public.lab_reports AS PERMISSIVE FOR INSERT TO authenticated WITH CHECK (((owner = auth.uid()) AND (body IS NOT NULL)));')
  t.match(by('missing_policy', 'public.lab_reports')?.fix?.alembic, /^op\.execute\('CREATE POLICY write_own/)
  t.match(by('extra_policy', 'public.plain')?.fix?.sql, /^-- .*DROP POLICY sneaky ON public\.plain;$/, 'dropping a policy is a comment')
  t.match(by('rls_mismatch', 'public.plain')?.fix?.sql, /^-- /, 'switching RLS off is a comment')

  // The statements among the fixes, run as they are: what is left is what only a comment fixes.
  await sql(changed.findings.map((f) => f.fix?.sql ?? '').join('\n'))
  t.same(listed((await drift(url, yaml)).findings), ['warn rls_mismatch public.plain', 'info extra_policy public.plain "sneaky"'])

  const overridden = await drift(url, yaml, { DRIFT_SEVERITY: 'rls_mismatch=info,extra_policy=ignore' })
  t.same(listed(overridden.findings), ['info rls_mismatch public.plain'], 'DRIFT_SEVERITY applies')
})

t.test('a hand-written manifest: policies compared structurally, names only, and tables without the keys', async (t) => {
  const { url } = await database()
  const dir = t.testdir({
    'hand.yaml': `version: 1
tables:
  lab_reports:
    columns: {}
    rls: true
    policies:
      read own: { command: select, roles: [authenticated], using: "lab_reports.owner = auth.uid()" }
      write_own: { with_check: "owner = auth.uid() and body is not null" }
      no_drafts: { permissive: false, roles: [authenticated, anon] }
    grants: { anon: [select], authenticated: [select, insert, update, delete], service_role: [select, insert, update, delete] }
  events:
    columns: {}
    policies: [mine]
    grants: { public: [select] }
  plain: { columns: {} }
`,
    'none.yaml': 'version: 1\ntables:\n  lab_reports: { columns: {} }\n  events: { columns: {} }\n'
  })
  const hand = await drift(url, join(dir, 'hand.yaml'))
  t.same(listed(hand.findings), [], 'a qualified and an unqualified column, upper and lower case, roles in any order: the same')

  const none = await drift(url, join(dir, 'none.yaml'))
  t.same(listed(none.findings), [], 'no keys: not compared')
  t.equal(none.sent.filter(readsPolicies).length, 0, 'and not read')
})

t.test('manifest errors name the file, the path and the line', async (t) => {
  const dir = t.testdir({
    'privilege.yaml': 'version: 1\ntables:\n  t:\n    columns: {}\n    grants:\n      anon: [select, selct]\n',
    'twice.yaml': 'version: 1\ntables:\n  t:\n    columns: {}\n    policies: [a, b, a]\n',
    'roles.yaml': 'version: 1\ntables:\n  t:\n    columns: {}\n    policies:\n      p: { roles: [] }\n',
    'key.json': '{"version": 1, "tables": {"t": {"columns": {},\n "policies": {"p": {"usng": "true"}}}}}\n',
    'command.yaml': 'version: 1\ntables:\n  t:\n    columns: {}\n    policies:\n      p: { command: read }\n'
  })
  const load = (file: string) => loadExpectation(loadConfig({ EXPECTED_SCHEMA: join(dir, file) }, {}, {}))
  await t.rejects(load('privilege.yaml'), { message: `${join(dir, 'privilege.yaml')} at tables.t.grants.anon[1] (line 6): "selct" is not one of select, insert, update, delete` })
  await t.rejects(load('twice.yaml'), { message: /at tables\.t\.policies\[2\] \(line 5\): duplicate policy "a" \(also at \[0\]\)$/ })
  await t.rejects(load('roles.yaml'), { message: /at tables\.t\.policies\.p\.roles \(line 6\): must name at least one role/ })
  await t.rejects(load('key.json'), { message: /at tables\.t\.policies\.p\.usng \(line 2\): unknown key "usng" \(expected command, permissive, roles, using, with_check\)$/ })
  await t.rejects(load('command.yaml'), { message: /at tables\.t\.policies\.p\.command \(line 6\): "read" is not one of all, select, insert, update, delete$/ })
})

t.test('no function or operator of the database runs in the read', async (t) => {
  const { url, sql } = await database()
  const name = new URL(url).pathname.slice(1)
  await sql(`
    CREATE FUNCTION public.planted() RETURNS boolean LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'planted code ran'; END $$;
    CREATE FUNCTION public.aclexplode(aclitem[]) RETURNS TABLE (grantor oid, grantee oid, privilege_type text, is_grantable boolean)
      LANGUAGE sql AS 'SELECT 0::oid, 0::oid, ''x''::text, public.planted()';
    CREATE FUNCTION public.pg_get_userbyid(oid) RETURNS name LANGUAGE sql AS 'SELECT CASE WHEN public.planted() THEN ''x''::name END';
    CREATE FUNCTION public.eq_name_text(name, text) RETURNS boolean LANGUAGE sql AS 'SELECT public.planted()';
    CREATE OPERATOR public.= (LEFTARG = name, RIGHTARG = text, FUNCTION = public.eq_name_text);
    CREATE FUNCTION public.eq_text(text, text) RETURNS boolean LANGUAGE sql AS 'SELECT public.planted()';
    CREATE OPERATOR public.= (LEFTARG = text, RIGHTARG = text, FUNCTION = public.eq_text);
    CREATE FUNCTION public.eq_char("char", "char") RETURNS boolean LANGUAGE sql AS 'SELECT public.planted()';
    CREATE OPERATOR public.= (LEFTARG = "char", RIGHTARG = "char", FUNCTION = public.eq_char);
    ALTER DATABASE ${name} SET search_path = public, pg_catalog`)
  const dir = t.testdir({ 'm.yaml': 'version: 1\ntables:\n  lab_reports: { columns: {}, rls: true, grants: { anon: [select] } }\n' })
  const { findings } = await drift(url, join(dir, 'm.yaml'))
  t.same(listed(findings), [
    'warn extra_grant public.lab_reports authenticated:select+insert+update+delete',
    'warn extra_grant public.lab_reports service_role:select+insert+update+delete'
  ], 'read as pg_catalog reads it')
  await t.rejects(server.query("SELECT count(*) FROM pg_class c, aclexplode(c.relacl) a WHERE c.relname = 'lab_reports'", [], name), /planted code ran/, 'an unqualified read would have run it')
})
