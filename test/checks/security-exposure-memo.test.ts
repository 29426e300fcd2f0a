// security:exposure's memory between rounds, against a real PostgreSQL: a round on an unchanged
// database sends only the exposure fingerprint; after each change that could move a finding, the
// very next round reads again and agrees with a freshly prepared check.
import t from 'tap'
import type { CheckRun } from '../../src/checks/check.js'
import { securityExposure } from '../../src/checks/security-exposure.js'
import { loadConfig } from '../../src/config.js'
import { Lease, type Db } from '../../src/postgres/lease.js'
import { createPool } from '../../src/postgres/pool.js'
import { EXPOSURE_FINGERPRINT_SQL } from '../../src/security/exposure-fingerprint.js'
import { EXPOSURE_SQL } from '../../src/security/exposure-query.js'
import type { ExposureFacts } from '../../src/security/findings.js'
import { startPostgres } from '../helpers/postgres.js'

const server = await startPostgres()
t.teardown(() => server.destroy())
await server.query(`CREATE ROLE anon NOLOGIN; CREATE ROLE authenticated NOLOGIN; CREATE ROLE service_role NOLOGIN BYPASSRLS;
  CREATE ROLE granted_to_anon NOLOGIN`)
const url = await server.createDatabase()
const name = new URL(url).pathname.slice(1)
const sql = async (text: string): Promise<unknown> => await server.query(text, [], name)
await sql(`GRANT USAGE ON SCHEMA public TO anon, authenticated;
  CREATE TABLE notes (id int); ALTER TABLE notes ENABLE ROW LEVEL SECURITY; CREATE POLICY mine ON notes USING (true);
  CREATE TABLE other (id int); CREATE VIEW notes_view AS SELECT id FROM notes;
  GRANT SELECT ON notes, notes_view TO anon`)

const config = loadConfig({ DATABASE_URL: url, CHECK_TIMEOUT_MS: '10000', EXPOSED_ROLES: 'anon,authenticated' }, {}, { requireDatabase: true })
const pool = createPool(config)
t.teardown(() => pool.end())
const FP = EXPOSURE_FINGERPRINT_SQL.trim()
const READ = EXPOSURE_SQL.trim()

/** One run in its own round transaction: the facts and which of the two statements it sent. */
async function run (check: CheckRun<ExposureFacts>) {
  const lease = new Lease(pool, Date.now() + 10_000)
  const sent: string[] = []
  const db: Db = { query: async (text, params) => { sent.push(text.trim() === FP ? 'fingerprint' : text.trim() === READ ? 'exposure' : text); return await lease.query(text, params) } }
  try {
    const outcome = await check.run({ db }, new AbortController().signal)
    await lease.endTransaction()
    return { facts: outcome.facts, sent }
  } finally {
    lease.release(false)
  }
}

const kept = securityExposure.prepare(config, undefined as never)

const changes: Array<[string, string]> = [
  ['GRANT to anon directly', 'GRANT SELECT ON other TO anon'],
  ['REVOKE from anon', 'REVOKE SELECT ON other FROM anon'],
  ['GRANT to PUBLIC', 'GRANT INSERT ON other TO PUBLIC'],
  ['REVOKE from PUBLIC', 'REVOKE INSERT ON other FROM PUBLIC'],
  ['GRANT on a column', 'GRANT SELECT (id) ON other TO anon'],
  ['GRANT to a role anon is not yet a member of', 'GRANT UPDATE ON other TO granted_to_anon'],
  ['GRANT through membership', 'GRANT granted_to_anon TO anon'],
  ['DISABLE RLS', 'ALTER TABLE notes DISABLE ROW LEVEL SECURITY'],
  ['ENABLE RLS', 'ALTER TABLE notes ENABLE ROW LEVEL SECURITY'],
  ['DROP POLICY', 'DROP POLICY mine ON notes'],
  ['CREATE POLICY', 'CREATE POLICY mine ON notes USING (true)'],
  ['a new table', 'CREATE TABLE added (id int); GRANT SELECT ON added TO anon'],
  ['a view switched to security_invoker', 'ALTER VIEW notes_view SET (security_invoker = on)'],
  ['ALTER ROLE BYPASSRLS', 'ALTER ROLE anon BYPASSRLS'],
  ['ALTER ROLE SUPERUSER', 'ALTER ROLE anon NOBYPASSRLS SUPERUSER'],
  ['ALTER ROLE NOSUPERUSER', 'ALTER ROLE anon NOSUPERUSER'],
  ['a schema USAGE revoke', 'REVOKE USAGE ON SCHEMA public FROM anon, PUBLIC']
]
t.test('a kept check, round after round', async (t) => {
  t.same((await run(kept)).sent, ['fingerprint', 'exposure'], 'the first round reads')
  t.same((await run(kept)).sent, ['fingerprint'], 'a quiet round sends only the fingerprint')
  for (const [what, change] of changes) {
    t.comment(what)
    await sql(change)
    const next = await run(kept)
    t.same(next.sent, ['fingerprint', 'exposure'], `${what}: the very next round reads again`)
    t.same(next.facts, (await run(securityExposure.prepare(config, undefined as never))).facts, `${what}: agrees with a fresh check`)
    t.same((await run(kept)).sent, ['fingerprint'], `${what}: then quiet again`)
  }
})
