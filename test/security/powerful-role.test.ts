// The sentinel needs only to read: connected as a superuser or a BYPASSRLS role it says so once
// in the log and on the status page (with details); as a least-privilege role it says nothing.
import { readFileSync } from 'node:fs'
import t, { type Test } from 'tap'
import { startPostgres } from '../helpers/postgres.js'
import { startTestService } from '../helpers/service.js'

const pg = await startPostgres()
t.teardown(() => pg.destroy())
await pg.query(`CREATE ROLE reader LOGIN BYPASSRLS PASSWORD 'bypass-pw-1';
  CREATE TABLE alembic_version (version_num varchar(32) PRIMARY KEY); INSERT INTO alembic_version VALUES ('r1');
  GRANT SELECT ON alembic_version TO reader`)
// The least-privilege role exactly as the README writes it, in a database named app.
const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8')
const roleSql = /### Database role[\s\S]*?```sql\n([\s\S]*?)```/.exec(readme)?.[1]
if (roleSql === undefined) throw new Error('README: no SQL block under "Database role"')
await pg.query('CREATE DATABASE app')
await pg.query("CREATE TABLE alembic_version (version_num varchar(32) PRIMARY KEY); INSERT INTO alembic_version VALUES ('r1')", [], 'app')
await pg.query(roleSql, [], 'app')
const url = (role: string, password: string, db = 'postgres') => `postgres://${role}:${password}@127.0.0.1:${pg.port}/${db}`
const WARNING = /connected as (\w+), (a superuser|a role that bypasses row-level security): schema-sentinel only reads the catalog and the version table/g

/** The service's warnings after several rounds, and its status page. */
async function run (t: Test, databaseUrl: string) {
  const svc = await startTestService(t, { DATABASE_URL: databaseUrl, EXPECTED_REVISION: 'r1', CHECK_INTERVAL_MS: '50', CHECK_TIMEOUT_MS: '5000' })
  await svc.waitFor('/health', (r) => r.status === 200)
  // Several rounds: the warning must not repeat.
  const finished = (body: string): string | undefined => /^schema_sentinel_last_check_timestamp_seconds (\S+)$/m.exec(body)?.[1]
  const seen = new Set<string>()
  await svc.waitFor('/metrics', (_r, body) => { seen.add(finished(body) ?? ''); return seen.size >= 4 })
  const page = await (await svc.get('/')).text()
  return { warnings: [...svc.logs().matchAll(WARNING)].map((m) => `${m[1]}: ${m[2]}`), page }
}

t.test('superuser: warned once in the log, and on the status page', async (t) => {
  const { warnings, page } = await run(t, pg.url())
  t.same(warnings, ['postgres: a superuser'], 'one warning, however many rounds ran')
  t.match(page, 'id="role-warning"')
  t.match(page, 'connected as postgres, a superuser')
})

t.test('BYPASSRLS: warned once', async (t) => {
  const { warnings, page } = await run(t, url('reader', 'bypass-pw-1'))
  t.same(warnings, ['reader: a role that bypasses row-level security'])
  t.match(page, 'connected as reader, a role that bypasses row-level security')
})

t.test('the README\'s least-privilege role: no warning, every check passes', async (t) => {
  const { warnings, page } = await run(t, url('schema_sentinel', 'choose-a-password', 'app'))
  t.same(warnings, [])
  t.notMatch(page, 'role-warning')
  t.match(page, '<title>schema-sentinel: PASS</title>')
})
