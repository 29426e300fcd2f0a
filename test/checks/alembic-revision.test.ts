// alembic:revision against a real PostgreSQL: every state through `check --format json`
// (the /health/schema body and its exit code), then live endpoints and metrics for three.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { runCli } from '../helpers/cli.js'
import { startPostgres } from '../helpers/postgres.js'
import { startTestService } from '../helpers/service.js'
import { writeVersionsDir } from '../helpers/versions-dir.js'

const pg = await startPostgres()
t.teardown(() => pg.destroy())
const root = mkdtempSync(join(tmpdir(), 'sentinel-alembic-check-'))
t.teardown(() => rmSync(root, { recursive: true, force: true }))

const LINEAR = writeVersionsDir(root, 'linear', { a: null, b: 'a', c: 'b' })
const FORK = writeVersionsDir(root, 'fork', { a: null, b: 'a', c: 'b', x: 'b' })

let counter = 0
/** A fresh database whose version table holds `rows` (no table when rows is null). */
async function database (rows: string[] | null, table = 'alembic_version', schema?: string): Promise<string> {
  const name = `alembic_${++counter}`
  const url = await pg.createDatabase(name)
  if (rows === null) return url
  const qualified = schema !== undefined ? `"${schema}"."${table}"` : `"${table}"`
  if (schema !== undefined) await pg.query(`CREATE SCHEMA "${schema}"`, [], name)
  await pg.query(`CREATE TABLE ${qualified} (version_num varchar(32) NOT NULL PRIMARY KEY)`, [], name)
  for (const row of rows) await pg.query(`INSERT INTO ${qualified} VALUES ($1)`, [row], name)
  return url
}

interface Case {
  name: string
  rows: string[] | null
  env: Record<string, string>
  table?: { schema?: string, table: string }
  exit: 0 | 1
  /** Expected fields of checks['alembic:revision'][0] in the strict body. */
  body: Record<string, unknown>
  output?: string | RegExp
}

const CASES: Case[] = [
  { name: 'current', rows: ['c'], env: { ALEMBIC_VERSIONS_DIR: LINEAR }, exit: 0, body: { status: 'pass', state: 'current', observedValue: ['c'], expected: ['c'], expectedSource: 'ALEMBIC_VERSIONS_DIR' } },
  { name: 'behind', rows: ['a'], env: { ALEMBIC_VERSIONS_DIR: LINEAR }, exit: 1, body: { status: 'fail', state: 'behind', observedValue: ['a'], expected: ['c'], pending: 2 }, output: 'database is behind: 2 revisions to apply (run alembic upgrade head)' },
  { name: 'behind one of several heads', rows: ['c'], env: { ALEMBIC_VERSIONS_DIR: FORK }, exit: 1, body: { status: 'fail', state: 'behind', expected: ['c', 'x'], pending: 1, multipleHeads: true }, output: 'database is behind: 1 revision to apply (run alembic upgrade heads)' },
  { name: 'ahead', rows: ['c'], env: { ALEMBIC_VERSIONS_DIR: LINEAR, EXPECTED_REVISION: 'b' }, exit: 1, body: { status: 'fail', state: 'ahead', expected: ['b'], expectedSource: 'EXPECTED_REVISION' }, output: /revision c comes after the expected head b/ },
  { name: 'diverged', rows: ['x'], env: { ALEMBIC_VERSIONS_DIR: FORK, EXPECTED_REVISION: 'c' }, exit: 1, body: { status: 'fail', state: 'diverged', observedValue: ['x'] }, output: /database revision x is on another branch than the expected heads c/ },
  { name: 'unknown revision', rows: ['f00dfeed'], env: { ALEMBIC_VERSIONS_DIR: LINEAR }, exit: 1, body: { status: 'fail', state: 'unknown', observedValue: ['f00dfeed'] }, output: 'database revision f00dfeed is not in the versions directory (migrated by newer code, or stamped by hand)' },
  { name: 'unknown without a graph', rows: ['b'], env: { EXPECTED_REVISION: 'c' }, exit: 1, body: { status: 'fail', state: 'unknown', expected: ['c'] }, output: /database is at b, expected c/ },
  { name: 'unversioned: no table', rows: null, env: { ALEMBIC_VERSIONS_DIR: LINEAR }, exit: 1, body: { status: 'fail', state: 'unversioned', observedValue: [] }, output: /version table alembic_version does not exist/ },
  { name: 'unversioned: empty table', rows: [], env: { ALEMBIC_VERSIONS_DIR: LINEAR }, exit: 1, body: { status: 'fail', state: 'unversioned' }, output: /version table alembic_version is empty/ },
  { name: 'unversioned: no such schema', rows: null, env: { ALEMBIC_VERSIONS_DIR: LINEAR, ALEMBIC_VERSION_TABLE: 'nosuch.alembic_version' }, exit: 1, body: { status: 'fail', state: 'unversioned' }, output: /version table nosuch\.alembic_version does not exist/ },
  { name: 'not_checked, with rows', rows: ['b'], env: {}, exit: 0, body: { status: 'pass', state: 'not_checked', observedValue: ['b'], expected: [] }, output: /no expected revision configured.*database at b/ },
  { name: 'not_checked, no table', rows: null, env: {}, exit: 0, body: { status: 'pass', state: 'not_checked', observedValue: [] }, output: /version table alembic_version does not exist/ },
  { name: 'schema-qualified, case-sensitive table', rows: ['c'], table: { schema: 'Ops', table: 'Alembic_Version' }, env: { ALEMBIC_VERSIONS_DIR: LINEAR, ALEMBIC_VERSION_TABLE: 'Ops.Alembic_Version' }, exit: 0, body: { status: 'pass', state: 'current', observedValue: ['c'] } },
  { name: 'several rows for several heads', rows: ['x', 'c'], env: { ALEMBIC_VERSIONS_DIR: FORK }, exit: 0, body: { status: 'pass', state: 'current', observedValue: ['c', 'x'], expected: ['c', 'x'], multipleHeads: true }, output: /several heads and no merge/ }
]

t.test('each state through check --format json', async (t) => {
  for (const c of CASES) {
    const url = await database(c.rows, c.table?.table, c.table?.schema)
    if (c.table !== undefined) await pg.query("CREATE TABLE alembic_version (version_num varchar(32)); INSERT INTO alembic_version VALUES ('a')", [], url.split('/').pop())
    const run = await runCli(['check', '--format', 'json'], { DATABASE_URL: url, ...c.env })
    t.equal(run.code, c.exit, `${c.name}: exit ${c.exit} (${run.stderr})`)
    const body = JSON.parse(run.stdout)
    const check = body.checks['alembic:revision'][0]
    t.match(check, c.body, `${c.name}: body`)
    // t.match lets a longer array pass; revision sets must be exact.
    for (const key of ['observedValue', 'expected'] as const) {
      if (key in c.body) t.same(check[key], c.body[key], `${c.name}: ${key} exactly`)
    }
    if (!('pending' in c.body)) t.notOk('pending' in check, `${c.name}: no pending`)
    if (c.output !== undefined) t.match(check.output, c.output, `${c.name}: output`)
    else t.notOk('output' in check, `${c.name}: no output`)
    t.equal(body.checks['schema:drift'][0].status, 'pass', `${c.name}: the next check's transaction was not aborted`)
  }
})

t.test('check (text) says which version table is missing or empty', async (t) => {
  const missing = await runCli(['check'], { DATABASE_URL: await database(null), ALEMBIC_VERSIONS_DIR: LINEAR, ALEMBIC_VERSION_TABLE: 'meta.alembic_version' })
  t.equal(missing.code, 1, missing.stderr)
  t.match(missing.stdout, /^ {2}fail {2}alembic:revision +unversioned: database \(no version table meta\.alembic_version\), expected c$/m)
  const empty = await runCli(['check'], { DATABASE_URL: await database([]), ALEMBIC_VERSIONS_DIR: LINEAR })
  t.match(empty.stdout, /^ {2}fail {2}alembic:revision +unversioned: database \(empty version table alembic_version\), expected c$/m)
  const unconfigured = await runCli(['check'], { DATABASE_URL: await database(null) })
  t.equal(unconfigured.code, 0, unconfigured.stderr)
  t.match(unconfigured.stdout, /^ {2}pass {2}alembic:revision +not_checked: database \(no version table alembic_version\), expected \(not configured\)$/m)
})

t.test('behind: /health 200 warn, /health/schema 503, metrics', async (t) => {
  const svc = await startTestService(t, { DATABASE_URL: await database(['a']), ALEMBIC_VERSIONS_DIR: LINEAR })
  const health = await svc.waitFor('/health', (r) => r.status !== 503)
  t.equal(health.res.status, 200)
  t.match(JSON.parse(health.body), { status: 'warn', checks: { 'alembic:revision': [{ status: 'warn', state: 'behind', pending: 2 }] }, output: 'database is behind: 2 revisions to apply (run alembic upgrade head)' })
  const schema = await svc.get('/health/schema')
  t.equal(schema.status, 503)
  t.match(await schema.json(), { status: 'fail', checks: { 'alembic:revision': [{ status: 'fail', state: 'behind' }] } })
  const metrics = await (await svc.get('/metrics')).text()
  t.match(metrics, /^schema_sentinel_alembic_at_expected_head 0$/m)
  t.match(metrics, /^schema_sentinel_alembic_pending_migrations 2$/m)
  t.match(metrics, /^schema_sentinel_alembic_revision_info\{source="database",revision="a"\} 1$/m)
  t.match(metrics, /^schema_sentinel_alembic_revision_info\{source="expected",revision="c"\} 1$/m)
  t.match(metrics, /^schema_sentinel_check_status\{check="alembic:revision",status="warn"\} 1$/m)
})

t.test('unversioned: 503 on both', async (t) => {
  const svc = await startTestService(t, { DATABASE_URL: await database(null), ALEMBIC_VERSIONS_DIR: LINEAR })
  const health = await svc.waitFor('/health', (_r, body) => body.includes('alembic:revision'))
  t.equal(health.res.status, 503)
  t.match(JSON.parse(health.body), { status: 'fail', checks: { 'alembic:revision': [{ state: 'unversioned' }] } })
  t.equal((await svc.get('/health/schema')).status, 503)
  t.match(await (await svc.get('/metrics')).text(), /^schema_sentinel_alembic_at_expected_head 0$/m)
})

t.test('current: 200 pass on both, at_expected_head 1', async (t) => {
  const svc = await startTestService(t, { DATABASE_URL: await database(['c']), ALEMBIC_VERSIONS_DIR: LINEAR })
  const health = await svc.waitFor('/health', (r) => r.status === 200)
  t.match(JSON.parse(health.body), { status: 'pass', checks: { 'alembic:revision': [{ status: 'pass', state: 'current' }] } })
  t.equal((await svc.get('/health/schema')).status, 200)
  const metrics = await (await svc.get('/metrics')).text()
  t.match(metrics, /^schema_sentinel_alembic_at_expected_head 1$/m)
  t.match(metrics, /^schema_sentinel_alembic_pending_migrations 0$/m)
})
