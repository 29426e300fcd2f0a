// `diff` and Supabase exposure: staging has row-level security, policies and grants that
// production lost or widened. Each difference is a finding, a snapshot on either side gives the
// same findings, and `--format sql` run by psql brings production back (the extra policy's fix
// is a comment: it stays, as info).
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { runCli } from '../helpers/cli.js'
import { startPostgres } from '../helpers/postgres.js'
import { missingPsql, runPsqlFile } from '../helpers/psql.js'

const skip = missingPsql()
if (skip !== false) {
  t.plan(0, `diff security: ${skip}`)
} else {
  const server = await startPostgres()
  t.teardown(() => server.destroy())
  // Supabase's roles are the cluster's, so every database below sees them.
  await server.query('CREATE ROLE anon NOLOGIN NOINHERIT; CREATE ROLE authenticated NOLOGIN NOINHERIT')
  const database = async (sql: string): Promise<string> => await server.databaseWith(sql)

  const TABLES = `
    CREATE TABLE notes (id integer PRIMARY KEY, owner text, body text);
    CREATE TABLE profiles (id integer PRIMARY KEY, name text);
    CREATE POLICY public_profiles ON profiles FOR SELECT TO anon, authenticated USING (true);
    ALTER TABLE profiles ENABLE ROW LEVEL SECURITY;
    GRANT SELECT, INSERT ON notes TO authenticated;`
  const STAGING = TABLES + `
    ALTER TABLE notes ENABLE ROW LEVEL SECURITY;
    CREATE POLICY own_notes ON notes FOR SELECT TO authenticated USING (owner = current_user);
    CREATE POLICY insert_own ON notes AS RESTRICTIVE FOR INSERT TO authenticated WITH CHECK (owner = current_user AND body <> '');
    GRANT SELECT ON profiles TO anon, authenticated;`
  const PRODUCTION = TABLES + `
    CREATE POLICY own_notes ON notes FOR SELECT TO authenticated USING (owner IS NOT NULL);
    CREATE POLICY legacy ON profiles FOR SELECT TO authenticated USING (id > 0);
    GRANT SELECT, INSERT ON profiles TO anon;`

  const FINDINGS = [
    'fail missing_grant public.profiles authenticated',
    'fail rls_mismatch public.notes',
    'info extra_policy public.profiles legacy',
    'warn extra_grant public.profiles anon',
    'warn missing_policy public.notes insert_own',
    'warn policy_mismatch public.notes own_notes'
  ]
  const staging = await database(STAGING)
  const findings = async (from: string, to: string): Promise<{ code: number, findings: string[] }> => {
    const res = await runCli(['diff', '--from', from, '--to', to, '--format', 'json'])
    if (res.code === 2) throw new Error(res.stderr)
    const body = JSON.parse(res.stdout) as { findings: Array<{ kind: string, severity: string, table?: string, name?: string, role?: string }> }
    const list = body.findings.map((f) => [f.severity, f.kind, f.table, f.name ?? f.role].filter((x) => x !== undefined).join(' '))
    return { code: res.code, findings: list.sort() }
  }
  const snapshot = async (dir: string, url: string, name: string): Promise<string> => {
    const snap = await runCli(['snapshot'], { DATABASE_URL: url })
    if (snap.code !== 0) throw new Error(snap.stderr)
    writeFileSync(join(dir, name), snap.stdout)
    return join(dir, name)
  }

  t.test('each difference in row-level security, policies and grants is a finding', async (t) => {
    const production = await database(PRODUCTION)
    t.same(await findings(staging, production), { code: 1, findings: FINDINGS })
    const text = await runCli(['diff', '--from', staging, '--to', production])
    t.equal(text.code, 1, text.stderr)
    t.match(text.stdout, /fail {2}rls_mismatch .*\n\s+fix: ALTER TABLE public\.notes ENABLE ROW LEVEL SECURITY;/, 'text: the finding and its fix')
    t.match(text.stdout, /fix: REVOKE INSERT ON public\.profiles FROM anon;/, 'text: the extra grant is revoked')
    const alembic = await runCli(['diff', '--from', staging, '--to', production, '--format', 'alembic'])
    t.equal(alembic.code, 1, alembic.stderr)
    t.match(alembic.stdout, /op\.execute\(.*ALTER TABLE public\.notes ENABLE ROW LEVEL SECURITY;/, 'alembic: op.execute of the fix')
  })

  t.test('snapshots as manifests on either side give the same findings as the databases', async (t) => {
    const production = await database(PRODUCTION)
    const dir = t.testdir({})
    const stagingFile = await snapshot(dir, staging, 'staging.yaml')
    const productionFile = await snapshot(dir, production, 'production.yaml')
    for (const [from, to, label] of [[stagingFile, production, 'manifest -> database'], [staging, productionFile, 'database -> manifest'], [stagingFile, productionFile, 'manifest -> manifest']] as const) {
      t.same(await findings(from, to), { code: 1, findings: FINDINGS }, label)
    }
    t.same(await findings(staging, stagingFile), { code: 0, findings: [] }, 'a database against its own snapshot')
    t.same(await findings(stagingFile, staging), { code: 0, findings: [] }, 'a snapshot against its database')
  })

  t.test('what a --to manifest leaves out is not a difference', async (t) => {
    const dir = t.testdir({
      // No grants, no force_rls, own_notes by name alone, profiles without any security key.
      'hand.yaml': 'version: 1\ntables:\n  notes:\n    columns: { id: integer, owner: text, body: text }\n    rls: false\n    policies: [own_notes]\n' +
        '  profiles:\n    columns: { id: integer, name: text }\n'
    })
    t.same(await findings(staging, join(dir, 'hand.yaml')), {
      code: 1, findings: ['fail rls_mismatch public.notes', 'warn missing_policy public.notes insert_own']
    })
  })

  t.test('psql runs the sql format, then diff exits 0', async (t) => {
    const production = await database(PRODUCTION)
    const script = await runCli(['diff', '--from', staging, '--to', production, '--format', 'sql'])
    t.equal(script.code, 1, script.stderr)
    const dir = t.testdir({ 'fix.sql': script.stdout })
    const psql = await runPsqlFile(production, join(dir, 'fix.sql'))
    t.equal(psql.code, 0, `psql ran the script: ${psql.stderr}\n${script.stdout}`)
    t.same(await findings(staging, production), { code: 0, findings: ['info extra_policy public.profiles legacy'] },
      `only the extra policy (a comment fix, info) remains\n${script.stdout}`)
  })
}
