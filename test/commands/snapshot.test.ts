import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { parse as parseYaml } from 'yaml'
import { runCli } from '../helpers/cli.js'
import { freePort, startPostgres } from '../helpers/postgres.js'
import { startTcpProxy } from '../helpers/tcp-proxy.js'

const server = await startPostgres()
t.teardown(() => server.destroy())
const ALL_TYPES = readFileSync(new URL('../fixtures/all-types.sql', import.meta.url), 'utf8')
const url = await server.createDatabase()
await server.query(ALL_TYPES + `
  CREATE TABLE alembic_version (version_num varchar(32) NOT NULL PRIMARY KEY);
  INSERT INTO alembic_version VALUES ('c1d2e3f4a5b6');`, [], new URL(url).pathname.slice(1))

t.test('snapshot --format yaml; check against it exits 0 with no findings', async (t) => {
  const snap = await runCli(['snapshot', '--format', 'yaml'], { DATABASE_URL: url })
  t.equal(snap.code, 0, snap.stderr)
  t.equal(snap.stderr, '')
  t.notMatch(snap.stdout, server.password, 'never the password')
  const manifest = parseYaml(snap.stdout)
  t.equal(manifest.version, 1)
  t.same(manifest.alembic, { heads: ['c1d2e3f4a5b6'] })
  t.same(Object.keys(manifest.tables), ['everything'], 'the version table is left out')
  t.same(manifest.tables.everything.columns.label, { type: 'character varying(36)', nullable: false, default: "'active'::character varying" })
  t.match(snap.stdout, /^ {6}id: \{ type: integer, nullable: false, default: nextval\('everything_id_seq'::regclass\) \}$/m, 'one line per column')

  const dir = t.testdir({ 'expected.yaml': snap.stdout })
  const check = await runCli(['check', '--expected', join(dir, 'expected.yaml')], { DATABASE_URL: url })
  t.equal(check.code, 0, check.stdout + check.stderr)
  t.match(check.stdout, /schema:drift\s+0 findings \(1 table, 51 columns compared\)/)
})

t.test('snapshot prints JSON by default, one line per column; comparing environments', async (t) => {
  const snap = await runCli(['snapshot'], { DATABASE_URL: url })
  t.equal(snap.code, 0, snap.stderr)
  const manifest = JSON.parse(snap.stdout)
  t.equal(manifest.tables.everything.columns.ident_always.default, null)
  t.match(snap.stdout, /^ {8}"label": \{"type":"character varying\(36\)","nullable":false,"default":"'active'::character varying"\},$/m)
  t.match(snap.stdout, /^ {2}"alembic": \{"heads":\["c1d2e3f4a5b6"\]\},$/m)
  const dir = t.testdir({ 'staging.json': snap.stdout })

  // "production" lags behind "staging": one column missing, one default different.
  const production = await server.createDatabase()
  await server.query(ALL_TYPES + `
    ALTER TABLE everything DROP COLUMN addr;
    ALTER TABLE everything ALTER COLUMN body SET DEFAULT 'draft';
    CREATE TABLE alembic_version (version_num varchar(32) NOT NULL PRIMARY KEY);
    INSERT INTO alembic_version VALUES ('c1d2e3f4a5b6');`, [], new URL(production).pathname.slice(1))
  const check = await runCli(['check', '--format', 'json', '--expected', join(dir, 'staging.json')], { DATABASE_URL: production })
  t.equal(check.code, 1)
  const body = JSON.parse(check.stdout)
  const drift = body.checks['schema:drift'][0]
  t.equal(drift.status, 'fail')
  t.same(drift.findings.map((f: { kind: string, column: string }) => `${f.kind} ${f.column}`), ['missing_column addr', 'default_mismatch body'])
  t.equal(body.output, 'public.everything.addr is expected but missing (and 1 more)')
})

t.test('snapshot honours --schemas and qualifies tables outside the first', async (t) => {
  const snap = await runCli(['snapshot', '--schemas', 'audit,public', '--format', 'json'], { DATABASE_URL: url })
  t.equal(snap.code, 0, snap.stderr)
  t.same(Object.keys(JSON.parse(snap.stdout).tables), ['public.everything'])
})

t.test('snapshot has at least 30 s, connecting included, whatever CHECK_TIMEOUT_MS says', async (t) => {
  const proxy = await startTcpProxy({ host: server.host, port: server.port })
  t.teardown(() => proxy.close())
  proxy.set({ delayMs: 60 }) // a far database: connecting alone takes several 120 ms round trips
  const snap = await runCli(['snapshot'], { DATABASE_URL: proxy.url(url), CHECK_TIMEOUT_MS: '50' })
  t.equal(snap.code, 0, snap.stderr)
  t.same(Object.keys(JSON.parse(snap.stdout).tables), ['everything'])
})

t.test('an unreachable database exits 2 with one line and no password', async (t) => {
  const port = await freePort()
  const res = await runCli(['snapshot', '--format', 'yaml'], { DATABASE_URL: `postgres://app:s3cret-pw@127.0.0.1:${port}/app`, CHECK_TIMEOUT_MS: '2000' })
  t.equal(res.code, 2)
  t.equal(res.stdout, '')
  t.match(res.stderr, /^schema-sentinel: cannot snapshot the database: connection refused \(ECONNREFUSED\)\n$/)
  t.notMatch(res.stderr, 's3cret-pw')
})

t.test('snapshot needs DATABASE_URL and a known format', async (t) => {
  const none = await runCli(['snapshot'], {})
  t.equal(none.code, 2)
  t.match(none.stderr, /DATABASE_URL: is required/)
  const bad = await runCli(['snapshot', '--format', 'xml'], { DATABASE_URL: url })
  t.equal(bad.code, 2)
  t.match(bad.stderr, /xml/)
})

t.test('a bad manifest makes check exit 2 naming the file, path and line', async (t) => {
  const dir = t.testdir({})
  const file = join(dir, 'bad.yaml')
  writeFileSync(file, 'version: 1\ntables:\n  pdfs:\n    columns:\n      id: { nullable: maybe }\n')
  const res = await runCli(['check', '--expected', file], { DATABASE_URL: url })
  t.equal(res.code, 2)
  t.equal(res.stderr, `schema-sentinel: ${file} at tables.pdfs.columns.id.nullable (line 5): must be true or false, got "maybe"\n`)
})
