// The CLI part of the contract against a real PostgreSQL: every flag overrides its variable
// (check and snapshot), exit codes 0 for pass or warn / 1 for a mismatch / 2 when it could not
// check, and `check --format json` prints exactly the /health/schema body with details.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { runCli } from '../helpers/cli.js'
import { freePort, startPostgres } from '../helpers/postgres.js'
import { startTestService } from '../helpers/service.js'
import { writeVersionsDir } from '../helpers/versions-dir.js'

const pg = await startPostgres()
t.teardown(() => pg.destroy())
const url = await pg.createDatabase('app')
await pg.query(`CREATE TABLE pdfs (id integer PRIMARY KEY, file_id varchar(36));
  CREATE SCHEMA audit; CREATE TABLE audit.events (id bigint);
  CREATE TABLE alembic_version (version_num varchar(32) PRIMARY KEY); INSERT INTO alembic_version VALUES ('b')`, [], 'app')
const dead = `postgres://postgres:${pg.password}@127.0.0.1:${await freePort()}/app`

const dir = t.testdir({})
const file = (name: string, text: string): string => { const p = join(dir, name); writeFileSync(p, text); return p }
const BEHIND = writeVersionsDir(dir, 'behind', { a: null, b: 'a', c: 'b' })
const AT_B = writeVersionsDir(dir, 'at-b', { a: null, b: 'a' })
const manifest = (tables: Record<string, Record<string, unknown>>): string =>
  file(`m${Object.keys(tables).join('-')}-${Math.random().toString(36).slice(2)}.json`, JSON.stringify({ version: 1, tables: Object.fromEntries(Object.entries(tables).map(([k, columns]) => [k, { columns }])) }))
const GOOD = manifest({ pdfs: { id: { type: 'integer', nullable: false }, file_id: 'varchar' } })
const MISSING = manifest({ pdfs: { id: {}, processing_started_at: { type: 'timestamp' } } })
const WARN = manifest({ pdfs: { id: { type: 'bigint' }, file_id: {} } })
const EVENTS = manifest({ events: { id: 'bigint' } })

// [flag, its value, the variable it overrides, that variable's value (alone: exit 1 or 2)]
const FLAGS: Array<[string, string, Record<string, string>, number]> = [
  ['--database-url', url, { DATABASE_URL: dead }, 2],
  ['--expected', GOOD, { EXPECTED_SCHEMA: MISSING }, 1],
  ['--versions-dir', AT_B, { ALEMBIC_VERSIONS_DIR: BEHIND }, 1],
  ['--expected-revision', 'b', { EXPECTED_REVISION: 'c' }, 1],
  ['--schemas', 'audit,public', { SCHEMAS: 'public', EXPECTED_SCHEMA: EVENTS }, 1]
]

t.test('check: every flag overrides its variable', async (t) => {
  for (const [flag, value, env, alone] of FLAGS) {
    const base = { DATABASE_URL: url, CHECK_TIMEOUT_MS: '10000', ...env }
    const withoutFlag = await runCli(['check'], base)
    t.equal(withoutFlag.code, alone, `${Object.keys(env).join(', ')} alone: exit ${alone} (${withoutFlag.stderr.trim()})`)
    const withFlag = await runCli(['check', flag, value], base)
    t.equal(withFlag.code, 0, `${flag} wins over ${Object.keys(env)[0]}: exit 0 (${withFlag.stdout}${withFlag.stderr})`)
  }
})

t.test('snapshot: --database-url and --schemas override their variables', async (t) => {
  const snap = await runCli(['snapshot', '--database-url', url, '--schemas', 'audit'], { DATABASE_URL: dead, SCHEMAS: 'public', CHECK_TIMEOUT_MS: '10000' })
  t.equal(snap.code, 0, snap.stderr)
  t.same(Object.keys(JSON.parse(snap.stdout).tables), ['events'], 'only the flag\'s schema, unqualified as its first')
  t.equal((await runCli(['snapshot'], { DATABASE_URL: dead, CHECK_TIMEOUT_MS: '2000' })).code, 2, 'the variable alone is used')
})

t.test('check exit codes: 0 pass, 0 warn, 1 fail, 2 could not check', async (t) => {
  const run = (env: Record<string, string>) => runCli(['check', '--format', 'json'], { DATABASE_URL: url, CHECK_TIMEOUT_MS: '10000', ...env })
  const pass = await run({ EXPECTED_SCHEMA: GOOD })
  t.same([pass.code, JSON.parse(pass.stdout).status], [0, 'pass'])
  const warn = await run({ EXPECTED_SCHEMA: WARN })
  t.same([warn.code, JSON.parse(warn.stdout).status], [0, 'warn'], 'a type mismatch alone warns and exits 0')
  const fail = await run({ EXPECTED_SCHEMA: MISSING })
  t.same([fail.code, JSON.parse(fail.stdout).status], [1, 'fail'])
  const behind = await run({ ALEMBIC_VERSIONS_DIR: BEHIND })
  t.same([behind.code, JSON.parse(behind.stdout).status], [1, 'fail'], 'a revision mismatch is strict')
  const unreachable = await run({ DATABASE_URL: dead })
  t.equal(unreachable.code, 2)
  t.equal(unreachable.stderr.split('\n').filter(Boolean).length, 1, 'one line')
})

t.test('check --format json is exactly the /health/schema body with details', async (t) => {
  const token = 'cli-contract-token'
  const env = { DATABASE_URL: url, EXPECTED_SCHEMA: WARN, ALEMBIC_VERSIONS_DIR: BEHIND, RENDER_GIT_COMMIT: 'abc1234', HEALTH_TOKEN: token, CHECK_TIMEOUT_MS: '10000' }
  const cli = await runCli(['check', '--format', 'json'], env)
  t.equal(cli.code, 1)
  const svc = await startTestService(t, env)
  const { res, body } = await svc.waitFor('/health/schema', (_r, b) => b.includes('"checks"'), 15_000, { headers: { authorization: `Bearer ${token}` } })
  t.equal(res.status, 503)
  // Only the clock may differ: each check's time and the measured round trip.
  const timeless = (b: { checks: Record<string, Array<Record<string, unknown>>>, expectation?: Record<string, unknown> }) => ({
    ...b,
    expectation: b.expectation === undefined ? undefined : { ...b.expectation, since: typeof b.expectation.since },
    checks: Object.fromEntries(Object.entries(b.checks).map(([name, [c]]) =>
      [name, [{ ...c, time: typeof c!.time, ...(name === 'postgres:connectivity' ? { observedValue: typeof c!.observedValue } : {}) }]]))
  })
  const fromCli = JSON.parse(cli.stdout)
  t.same(timeless(fromCli), timeless(JSON.parse(body)))
  t.equal(fromCli.releaseId, 'abc1234', 'releaseId from RENDER_GIT_COMMIT')
  t.match(fromCli.output, /database is behind/)
  t.equal(fromCli.checks['schema:drift'][0].status, 'warn')
})
