// The service through a real pgbouncer. Transaction pooling (Supabase's pooler on 6543)
// hands each transaction to any server connection and rejects startup parameters it does
// not know; our sessions send only application_name and use only unnamed statements.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { runCli } from '../helpers/cli.js'
import { PGBOUNCER, startPgbouncer } from '../helpers/pgbouncer.js'
import { startPostgres } from '../helpers/postgres.js'
import { startTestService } from '../helpers/service.js'
import { missingTool } from '../helpers/system-tool.js'

const skip = missingTool(PGBOUNCER, 'pgbouncer')
if (skip !== false) {
  t.plan(0, skip)
  process.exit(0)
}

const PASSWORD = 'bouncer-Pa55-71c0'
const HEAD = 'c3d4e5f6a7b8'

const pg = await startPostgres()
t.teardown(() => pg.destroy())
await pg.createDatabase('app')
await pg.query(`CREATE ROLE sentinel LOGIN PASSWORD '${PASSWORD}'`)
await pg.query(`
  CREATE TYPE pdf_status AS ENUM ('pending');
  CREATE TABLE pdfs (id integer PRIMARY KEY, file_id varchar(36), status pdf_status);
  CREATE INDEX ix_pdfs_file ON pdfs (file_id) WHERE status = 'pending';
  CREATE TABLE alembic_version (version_num varchar(32) PRIMARY KEY);
  INSERT INTO alembic_version VALUES ('${HEAD}');
  GRANT SELECT ON ALL TABLES IN SCHEMA public TO sentinel;`, [], 'app')

const dir = mkdtempSync(join(tmpdir(), 'sentinel-bouncer-test-'))
t.teardown(() => rmSync(dir, { recursive: true, force: true }))
const manifest = join(dir, 'expected.yaml')
writeFileSync(manifest, `version: 1
alembic:
  heads: [${HEAD}]
tables:
  pdfs:
    columns:
      id: { type: integer, nullable: false }
      file_id: varchar(36)
      status: pdf_status
      processing_started_at: { type: timestamp, nullable: true }
    primary_key: [id]
    indexes: [{ columns: [file_id], where: "status = 'pending'" }]
    rls: false
    policies: [pdfs_own]
    grants: { sentinel: [select] }
enums:
  pdf_status: [pending, done]
`)

const transaction = await startPgbouncer({ targetPort: pg.port, users: { sentinel: PASSWORD }, poolMode: 'transaction' })
t.teardown(() => transaction.stop())
const url = transaction.url('sentinel', PASSWORD, 'app')

interface Body { status: string, checks: Record<string, Array<Record<string, unknown>>> }
const first = (body: Body, name: string) => body.checks[name]?.[0] ?? {}

t.test('check through transaction pooling: every check runs and reports', async (t) => {
  const run = await runCli(['check', '--format', 'json'], { DATABASE_URL: url, EXPECTED_SCHEMA: manifest })
  t.equal(run.code, 1, `drift is a mismatch, not an error: ${run.stderr}`)
  t.equal(run.stderr, '')
  const body = JSON.parse(run.stdout) as Body
  t.equal(first(body, 'postgres:connectivity').status, 'pass')
  t.match(first(body, 'alembic:revision'), { status: 'pass', state: 'current', observedValue: [HEAD], expected: [HEAD], expectedSource: 'manifest' })
  const drift = first(body, 'schema:drift')
  t.equal(drift.status, 'fail')
  // Columns, keys, indexes, enum labels, policies and grants, all read through the pooler.
  t.match(drift.findings, [
    { kind: 'missing_policy', table: 'public.pdfs', name: 'pdfs_own' },
    { kind: 'missing_column', table: 'public.pdfs', column: 'processing_started_at' },
    { kind: 'missing_enum_value', type: 'public.pdf_status', value: 'done' }])
  t.equal((drift.findings as unknown[]).length, 3)
})

t.test('serve through transaction pooling: rounds keep passing once the column exists', async (t) => {
  await pg.query('ALTER TABLE pdfs ADD COLUMN processing_started_at timestamp', [], 'app')
  await pg.query("ALTER TYPE pdf_status ADD VALUE 'done'", [], 'app')
  await pg.query('CREATE POLICY pdfs_own ON pdfs USING (true)', [], 'app')
  t.teardown(() => pg.query('ALTER TABLE pdfs DROP COLUMN processing_started_at; DROP POLICY pdfs_own ON pdfs', [], 'app'))
  const svc = await startTestService(t, { DATABASE_URL: url, EXPECTED_SCHEMA: manifest, CHECK_INTERVAL_MS: '100', CHECK_TIMEOUT_MS: '5000' })
  const { body } = await svc.waitFor('/health/schema', (r) => r.status === 200)
  const json = JSON.parse(body) as Body
  t.equal(json.status, 'pass')
  t.equal(first(json, 'alembic:revision').state, 'current')
  t.same(first(json, 'schema:drift').findings, [])
  // Many rounds, each check a transaction that pgbouncer may give to another server connection.
  const stamp = async () => Number(/^schema_sentinel_last_check_timestamp_seconds (\S+)$/m.exec(await (await svc.get('/metrics')).text())?.[1])
  const before = await stamp()
  await svc.waitFor('/metrics', (_r, b) => Number(/^schema_sentinel_last_check_timestamp_seconds (\S+)$/m.exec(b)?.[1]) >= before + 1)
  const metrics = await (await svc.get('/metrics')).text()
  t.match(metrics, /^schema_sentinel_up 1$/m)
  t.match(metrics, /^schema_sentinel_check_errors_total\{check="schema:drift"\} 0$/m)
  t.match(metrics, /^schema_sentinel_check_status\{check="schema:drift",status="pass"\} 1$/m)
  t.notMatch(svc.logs(), '"level":50', 'no errors logged')
})

t.test('pgbouncer saw no rejected parameter or statement', async (t) => {
  const log = transaction.logs()
  t.match(log, 'login attempt: db=app user=sentinel')
  t.notMatch(log, /unsupported startup parameter|prepared statement|ERROR|WARNING/)
})

t.test('check through session pooling (Supabase 5432)', async (t) => {
  const session = await startPgbouncer({ targetPort: pg.port, users: { sentinel: PASSWORD }, poolMode: 'session' })
  t.teardown(() => session.stop())
  const run = await runCli(['check'], { DATABASE_URL: session.url('sentinel', PASSWORD, 'app'), EXPECTED_SCHEMA: manifest })
  t.equal(run.code, 1, run.stderr)
  t.match(run.stdout, /pass\s+postgres:connectivity/)
  t.match(run.stdout, /missing_column\s+public\.pdfs\.processing_started_at/)
})

t.test('a startup parameter pgbouncer does not know is one clear line (exit 2)', async (t) => {
  const run = await runCli(['check'], { DATABASE_URL: `${url}?options=-c%20search_path%3Dpublic`, EXPECTED_SCHEMA: manifest })
  t.equal(run.code, 2)
  t.match(run.stderr, /^schema-sentinel: cannot reach the database: unsupported startup parameter: options.*\n$/)
  t.notMatch(run.stderr, PASSWORD)
})
