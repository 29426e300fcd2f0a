// Fixes for rls_mismatch, policies and grants: the SQL each writes (pure cases), and for real:
// psql runs the script and Alembic the revision on a drifted database, after which only what a
// comment fixes is left; downgrade() takes back what it can.
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { schemaDrift } from '../../src/checks/schema-drift.js'
import { runSnapshot } from '../../src/commands/snapshot.js'
import { loadConfig } from '../../src/config.js'
import { loadExpectation } from '../../src/expectation.js'
import { Lease } from '../../src/postgres/lease.js'
import { createPool } from '../../src/postgres/pool.js'
import type { Finding } from '../../src/schema/findings.js'
import { fixContext, planFix } from '../../src/schema/fixes/registry.js'
import { alembicRevision, sqlScript } from '../../src/schema/fixes/script.js'
import { fixText } from '../../src/schema/fixes/plan.js'
import { missingAlembic, runAlembic, writeAlembicProject } from '../helpers/alembic-project.js'
import { startPostgres } from '../helpers/postgres.js'
import { missingPsql, runPsqlFile } from '../helpers/psql.js'

const ctx = fixContext(undefined, ['public'])
const sqlOf = (fields: Record<string, unknown>) => {
  const plan = planFix({ severity: 'warn', message: 'm', table: 'public.lab_reports', ...fields } as unknown as Finding, ctx)
  return plan === undefined ? undefined : fixText(plan).sql
}

t.test('the SQL of each fix', async (t) => {
  t.equal(sqlOf({ kind: 'missing_grant', role: 'PUBLIC', privileges: ['select'] }), 'GRANT SELECT ON public.lab_reports TO PUBLIC;')
  t.equal(sqlOf({ kind: 'extra_grant', role: 'Data Team', privileges: ['update', 'delete'] }), 'REVOKE UPDATE, DELETE ON public.lab_reports FROM "Data Team";')
  t.equal(sqlOf({ kind: 'rls_mismatch', expected: { rls: true }, actual: { rls: false } }), 'ALTER TABLE public.lab_reports ENABLE ROW LEVEL SECURITY;')
  t.equal(sqlOf({ kind: 'rls_mismatch', expected: { force_rls: true }, actual: { force_rls: false } }), 'ALTER TABLE public.lab_reports FORCE ROW LEVEL SECURITY;')
  t.match(sqlOf({ kind: 'rls_mismatch', expected: { rls: false }, actual: { rls: true } }), /^-- .*DISABLE ROW LEVEL SECURITY;.*by hand/)
  t.equal(sqlOf({ kind: 'missing_policy', name: 'Own rows', expected: { command: 'update', permissive: false, roles: ['authenticated', 'public'], using: 'owner = auth.uid()', with_check: 'owner = auth.uid()' } }),
    'CREATE POLICY "Own rows" ON public.lab_reports AS RESTRICTIVE FOR UPDATE TO authenticated, PUBLIC USING (owner = auth.uid()) WITH CHECK (owner = auth.uid());')
  t.match(sqlOf({ kind: 'missing_policy', name: 'own', expected: {} }), /^-- .*does not give policy "own" whole/, 'a name alone: by hand')
  t.match(sqlOf({ kind: 'missing_policy', name: 'own', expected: { command: 'all', roles: ['anon'], using: 'true); DROP TABLE lab_reports; --' } }), /^-- /, 'an expression that would end the statement: never pasted')
  t.equal(sqlOf({ kind: 'policy_mismatch', name: 'own', expected: { roles: ['authenticated'], using: '(owner = auth.uid())' }, actual: { command: 'all', permissive: true, roles: ['public'], using: 'true', with_check: null } }),
    'ALTER POLICY own ON public.lab_reports TO authenticated USING ((owner = auth.uid()));')
  t.equal(sqlOf({ kind: 'policy_mismatch', name: 'own', expected: { command: 'select', roles: ['anon'], using: 'true' }, actual: { command: 'all', permissive: true, roles: ['anon'], using: 'true', with_check: null } }),
    'DROP POLICY own ON public.lab_reports;\nCREATE POLICY own ON public.lab_reports AS PERMISSIVE FOR SELECT TO anon USING (true);', 'a command cannot be altered')
  const hostile = sqlOf({ kind: 'extra_policy', name: 'x\nDROP TABLE y;', actual: {} }) ?? ''
  t.ok(hostile.split('\n').every((line) => line.startsWith('-- ')), `a comment on every line: ${hostile}`)
})

const skip = missingPsql() || missingAlembic()
t.test('psql and Alembic run them', { skip: skip === false || process.env.CI === 'true' ? false : skip }, async (t) => {
  const server = await startPostgres()
  t.teardown(() => server.destroy())
  await server.query('CREATE ROLE anon NOLOGIN; CREATE ROLE authenticated NOLOGIN')
  const WANTED = `
    CREATE TABLE lab_reports (id int, owner text);
    ALTER TABLE lab_reports ENABLE ROW LEVEL SECURITY;
    CREATE POLICY own ON lab_reports FOR SELECT TO authenticated USING (owner = current_user);
    CREATE POLICY "Insert Own" ON lab_reports FOR INSERT TO authenticated WITH CHECK (owner = current_user);
    GRANT SELECT, INSERT ON lab_reports TO authenticated;
    CREATE TABLE alembic_version (version_num varchar(32) NOT NULL PRIMARY KEY);
    INSERT INTO alembic_version VALUES ('base0001');`
  const DRIFTED = `
    ALTER TABLE lab_reports DISABLE ROW LEVEL SECURITY;
    DROP POLICY "Insert Own" ON lab_reports;
    ALTER POLICY own ON lab_reports TO anon, authenticated USING (true);
    CREATE POLICY extra ON lab_reports USING (true);
    REVOKE INSERT ON lab_reports FROM authenticated;
    GRANT UPDATE ON lab_reports TO anon`
  const first = await server.createDatabase()
  await server.query(WANTED, [], new URL(first).pathname.slice(1))
  const dir = t.testdir({})
  const manifest = join(dir, 'expected.yaml')
  writeFileSync(manifest, await runSnapshot(loadConfig({ DATABASE_URL: first }, {}, { requireDatabase: true }), 'yaml'))

  const drifted = async () => {
    const url = await server.createDatabase()
    const db = new URL(url).pathname.slice(1)
    await server.query(WANTED + DRIFTED, [], db)
    return url
  }
  const findings = async (url: string): Promise<Finding[]> => {
    const config = loadConfig({ DATABASE_URL: url, EXPECTED_SCHEMA: manifest }, {}, { requireDatabase: true })
    const pool = createPool(config)
    const lease = new Lease(pool, Date.now() + 10_000)
    try {
      const outcome = await schemaDrift.prepare(config, await loadExpectation(config)).run({ db: lease }, new AbortController().signal)
      await lease.endTransaction()
      return [...outcome.facts?.findings ?? []]
    } finally {
      lease.release(false)
      await pool.end()
    }
  }
  const kinds = (fs: readonly Finding[]) => fs.map((f) => `${f.kind}${f.name !== undefined ? ` ${f.name}` : ''}${f.role !== undefined ? ` ${f.role}` : ''}`)
  const ALL = ['rls_mismatch', 'missing_policy Insert Own', 'policy_mismatch own', 'extra_policy extra', 'missing_grant authenticated', 'extra_grant anon']
  const source = (await loadExpectation(loadConfig({ EXPECTED_SCHEMA: manifest }, {}, {}))).schema
  const fixCtx = fixContext(source, ['public'])

  const viaPsql = await drifted()
  const before = await findings(viaPsql)
  t.same(kinds(before), ALL)
  const script = sqlScript(before, fixCtx, { from: 'expected.yaml', to: 'db' })
  writeFileSync(join(dir, 'fix.sql'), script)
  const psql = await runPsqlFile(viaPsql, join(dir, 'fix.sql'))
  t.equal(psql.code, 0, `psql: ${psql.stderr}\n${script}`)
  t.same(kinds(await findings(viaPsql)), ['extra_policy extra'], 'psql: only the comment is left')

  const viaAlembic = await drifted()
  const project = join(dir, 'project')
  mkdirSync(project)
  const versions = writeAlembicProject(project, 'base0001')
  const revision = alembicRevision(before, fixCtx, { from: 'expected.yaml', to: 'db', revision: 'fix0002', downRevisions: ['base0001'], createDate: new Date(0) })
  writeFileSync(join(versions, 'fix0002_fix.py'), revision)
  const up = await runAlembic(project, ['upgrade', 'head'], viaAlembic)
  t.equal(up.code, 0, `alembic upgrade: ${up.stderr}\n${revision}`)
  t.same(kinds(await findings(viaAlembic)), ['extra_policy extra'], 'Alembic: only the comment is left')
  const down = await runAlembic(project, ['downgrade', 'base0001'], viaAlembic)
  t.equal(down.code, 0, `alembic downgrade: ${down.stderr}`)
  t.same(kinds(await findings(viaAlembic)), ALL.filter((k) => k !== 'policy_mismatch own'), 'downgrade takes back all but the altered policy')
})
