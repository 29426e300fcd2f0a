// `diff`: database against database (staging vs production), manifest against database and
// back, the four formats, exit codes, SCHEMAS and DRIFT_SEVERITY, and every bad input.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { runCli, spawnCli } from '../helpers/cli.js'
import { freePort, startPostgres } from '../helpers/postgres.js'
import { startTcpProxy } from '../helpers/tcp-proxy.js'

const server = await startPostgres()
t.teardown(() => server.destroy())
const database = async (sql: string): Promise<string> => await server.databaseWith(sql)
const where = (url: string) => `database 127.0.0.1:${server.port}${new URL(url).pathname}`

const staging = await database(`
  CREATE SCHEMA audit;
  CREATE TABLE audit.events (id bigint NOT NULL);
  CREATE TABLE pdfs (id serial PRIMARY KEY, file_id varchar(36) NOT NULL, processing_started_at timestamp, status text DEFAULT 'new');`)
const production = await database(`
  CREATE SCHEMA audit;
  CREATE TABLE pdfs (id serial PRIMARY KEY, file_id varchar(36) NOT NULL, status text);
  CREATE TABLE scratch (note text);`)
const PROD_FINDINGS = ['missing_column public.pdfs.processing_started_at', 'default_mismatch public.pdfs.status', 'extra_table public.scratch']
type Body = { status: string, findings: Array<{ kind: string, table: string, column?: string, fix?: { sql: string, alembic: string } }>, [k: string]: unknown }
const kinds = (body: Body) => body.findings.map((f) => `${f.kind} ${f.table}${f.column !== undefined ? `.${f.column}` : ''}`)
const json = async (args: string[], env: Record<string, string> = {}) => {
  const res = await runCli(['diff', ...args, '--format', 'json'], env)
  return { code: res.code, body: JSON.parse(res.stdout) as Body, stderr: res.stderr }
}
const snapshot = async (url: string, dir: string, name: string) => {
  const snap = await runCli(['snapshot'], { DATABASE_URL: url })
  if (snap.code !== 0) throw new Error(snap.stderr)
  writeFileSync(join(dir, name), snap.stdout)
  return join(dir, name)
}

t.test('staging vs production: text grouped by table, each finding with its fix; exit 1', async (t) => {
  const res = await runCli(['diff', '--from', staging, '--to', production], {})
  t.equal(res.code, 1)
  t.equal(res.stderr, '')
  t.notMatch(res.stdout, server.password, 'never the password')
  t.equal(res.stdout, `schema-sentinel diff: FAIL, 3 findings (1 tables, 4 columns compared)
  from: ${where(staging)}
  to:   ${where(production)}
        public.pdfs
          fail  missing_column        public.pdfs.processing_started_at is expected but missing
                fix: ALTER TABLE public.pdfs ADD COLUMN processing_started_at timestamp without time zone;
          info  default_mismatch      public.pdfs.status has no default, expected 'new'::text
                fix: ALTER TABLE public.pdfs ALTER COLUMN status SET DEFAULT 'new'::text;
        public.scratch
          info  extra_table           public.scratch exists but is not in the manifest
                fix: -- public.scratch is not in the source; dropping it would lose its data. If it must go:
                     -- DROP TABLE public.scratch;
`)
})

t.test('json: the schema:drift result shape, with from, to and each fix in SQL and Alembic', async (t) => {
  const { code, body } = await json(['--from', staging, '--to', production])
  t.equal(code, 1)
  t.match(body, { componentType: 'datastore', status: 'fail', observedValue: 3, observedUnit: 'findings', from: where(staging), to: where(production) })
  t.equal(body.output, 'public.pdfs.processing_started_at is expected but missing (and 2 more)')
  t.same(kinds(body), PROD_FINDINGS)
  t.same(body.findings[0]!.fix, {
    sql: 'ALTER TABLE public.pdfs ADD COLUMN processing_started_at timestamp without time zone;',
    alembic: "op.add_column('pdfs', sa.Column('processing_started_at', sa.DateTime(), nullable=True))"
  })
})

t.test('a database against itself: nothing differs, exit 0', async (t) => {
  const res = await runCli(['diff', '--from', staging, '--to', staging], {})
  t.equal(res.code, 0, res.stdout)
  t.match(res.stdout, /^schema-sentinel diff: PASS, 0 findings \(1 tables, 4 columns compared\)\n/)
  const sql = await runCli(['diff', '--from', staging, '--to', staging, '--format', 'sql'], {})
  t.equal(sql.code, 0)
  t.notMatch(sql.stdout, 'BEGIN', 'no transaction for nothing')
})

t.test('manifests on either side give the same findings as the databases', async (t) => {
  const dir = t.testdir({})
  const stagingFile = await snapshot(staging, dir, 'staging.json')
  const productionFile = await snapshot(production, dir, 'production.json')
  for (const [from, to] of [[stagingFile, production], [staging, productionFile], [stagingFile, productionFile]] as const) {
    const { code, body } = await json(['--from', from, '--to', to])
    t.equal(code, 1, `${from} -> ${to}`)
    t.same(kinds(body), PROD_FINDINGS, `${from} -> ${to}`)
    t.equal(body.findings[0]!.fix?.sql, 'ALTER TABLE public.pdfs ADD COLUMN processing_started_at timestamp without time zone;')
  }
  t.equal((await json(['--from', stagingFile, '--to', stagingFile])).code, 0)
})

t.test('a hand-written manifest as --to: what it leaves out is not a difference', async (t) => {
  const dir = t.testdir({
    'from.yaml': 'version: 1\ntables:\n  pdfs:\n    columns:\n      id: { type: integer, nullable: false }\n      file_id: { type: varchar(36), nullable: false, default: null }\n',
    'to.yaml': 'version: 1\ntables:\n  pdfs:\n    columns:\n      id: {}\n      file_id: varchar(20)\n'
  })
  const { code, body } = await json(['--from', join(dir, 'from.yaml'), '--to', join(dir, 'to.yaml')])
  t.equal(code, 1)
  t.same(kinds(body), ['type_mismatch public.pdfs.file_id'], 'no nullability or default finding for what to.yaml does not say')
  t.equal(body.findings[0]!.fix?.sql, 'ALTER TABLE public.pdfs ALTER COLUMN file_id TYPE character varying(36) USING file_id::character varying(36);')
})

t.test('SCHEMAS and DRIFT_SEVERITY apply; only info differences exit 0', async (t) => {
  const withAudit = await json(['--from', staging, '--to', production, '--schemas', 'public,audit'])
  t.same(kinds(withAudit.body), ['missing_table audit.events', ...PROD_FINDINGS])
  t.equal(withAudit.body.findings[0]!.fix?.sql, 'CREATE TABLE audit.events (\n  id bigint NOT NULL\n);')
  t.match(withAudit.body.findings[0]!.fix?.alembic, "op.create_table(\n    'events',\n    sa.Column('id', sa.BigInteger(), nullable=False),\n    schema='audit',\n)")

  const lenient = await json(['--from', staging, '--to', production], { DRIFT_SEVERITY: 'missing_column=info,extra_table=ignore' })
  t.equal(lenient.code, 0, 'nothing above info')
  t.equal(lenient.body.status, 'pass')
  t.same(kinds(lenient.body), PROD_FINDINGS.slice(0, 2))
  const strict = await json(['--from', staging, '--to', production], { DRIFT_SEVERITY: 'missing_column=warn' })
  t.equal(strict.code, 1, 'a warn differs')
})

t.test('alembic: down_revision is the head of the versions directory, else None', async (t) => {
  const dir = t.testdir({ versions: { 'a1_first.py': "revision = 'a1'\ndown_revision = None\n", 'b2_second.py': "revision = 'b2'\ndown_revision = 'a1'\n" } })
  const plain = await runCli(['diff', '--from', staging, '--to', production, '--format', 'alembic'], {})
  t.equal(plain.code, 1)
  t.match(plain.stdout, /^down_revision = None$/m)
  t.match(plain.stdout, /^Revises: $/m)
  const env = await runCli(['diff', '--from', staging, '--to', production, '--format', 'alembic'], { ALEMBIC_VERSIONS_DIR: join(dir, 'versions') })
  t.match(env.stdout, /^down_revision = 'b2'$/m)
  t.match(env.stdout, /^def upgrade\(\):\n(.*\n)*? {4}# public\.pdfs\.processing_started_at: missing_column\n {4}op\.add_column\('pdfs', sa\.Column\('processing_started_at', sa\.DateTime\(\), nullable=True\)\)$/m)
  t.match(env.stdout, /^def downgrade\(\):\n(.*\n)*? {4}op\.drop_column\('pdfs', 'processing_started_at'\)$/m)
  writeFileSync(join(dir, 'alembic.ini'), '[alembic]\nscript_location = %(here)s\nversion_locations = %(here)s/versions\n')
  const ini = await runCli(['diff', '--from', staging, '--to', production, '--format', 'alembic', '--alembic-config', join(dir, 'alembic.ini')], {})
  t.match(ini.stdout, /^down_revision = 'b2'$/m, 'or the locations alembic.ini names')
  const flag = await runCli(['diff', '--from', staging, '--to', production, '--format', 'alembic', '--versions-dir', join(dir, 'missing')], {})
  t.equal(flag.code, 2)
  t.match(flag.stderr, /^schema-sentinel: .*missing: no such directory\n$/)
})

t.test('bad input: exit 2, one line, nothing on stdout, never a password', async (t) => {
  const dir = t.testdir({ 'bad.yaml': 'version: 1\ntables:\n  pdfs:\n    columns:\n      id: { nullable: "yes" }\n', sub: {}, 'notes.txt': 'hello world\n', 'cut.json': '{"tables": [' })
  const port = await freePort()
  const down = `postgres://app:s3cret-pw@127.0.0.1:${port}/app`
  const cases: Array<[string, string[], RegExp]> = [
    ['no --from', ['--to', staging], /^schema-sentinel: required option '--from <source>' not specified\n$/],
    ['no --to', ['--from', staging], /^schema-sentinel: required option '--to <source>' not specified\n$/],
    ['another scheme', ['--from', 'mysql://app:s3cret-pw@db/app', '--to', staging], /^schema-sentinel: --from: has scheme "mysql", expected a postgres:\/\/ or postgresql:\/\/ URL or a manifest file\n$/],
    ['no such file', ['--from', staging, '--to', join(dir, 'nope.yaml')], /^schema-sentinel: --to: .*nope\.yaml: file not found\n$/],
    ['a directory', ['--from', join(dir, 'sub'), '--to', staging], /^schema-sentinel: --from: .*sub: is a directory, expected a manifest file\n$/],
    ['a bad manifest', ['--from', join(dir, 'bad.yaml'), '--to', staging], /^schema-sentinel: --from: .*bad\.yaml at tables\.pdfs\.columns\.id\.nullable \(line 5\): must be true or false, got "yes"\n$/],
    ['neither a manifest nor a URL', ['--from', staging, '--to', join(dir, 'notes.txt')], /^schema-sentinel: --to: .*notes\.txt: must be a mapping with "version: 1" and "tables", got "hello world"\n$/],
    ['a cut-off JSON manifest', ['--from', join(dir, 'cut.json'), '--to', staging], /^schema-sentinel: --from: .*cut\.json at line 1: malformed JSON: [^\n]+\n$/],
    ['an empty source', ['--from', ' ', '--to', staging], /^schema-sentinel: --from: must not be empty \(a postgres:\/\/ URL or a manifest file\)\n$/],
    ['a URL without host', ['--from', 'postgres:///app', '--to', staging], /^schema-sentinel: --from: has no host\n$/],
    ['unreachable --to', ['--from', staging, '--to', down], new RegExp(`^schema-sentinel: --to: cannot read database 127\\.0\\.0\\.1:${port}/app: connection refused \\(ECONNREFUSED\\)\\n$`)],
    ['both unreachable: --from is named', ['--from', down, '--to', down], /^schema-sentinel: --from: cannot read database .*ECONNREFUSED\)\n$/],
    ['an unknown format', ['--from', staging, '--to', production, '--format', 'xml'], /^schema-sentinel: option '--format <format>' argument 'xml' is invalid\. Allowed choices are text, json, sql, alembic\.\n$/]
  ]
  for (const [name, args, stderr] of cases) {
    const res = await runCli(['diff', ...args], { CHECK_TIMEOUT_MS: '2000' })
    t.equal(res.code, 2, name)
    t.equal(res.stdout, '', `${name}: nothing on stdout`)
    t.match(res.stderr, stderr, name)
    t.notMatch(res.stderr, /s3cret-pw|pw-/, `${name}: no password`)
  }
})

t.test('a database that never answers: --to is named, within CHECK_TIMEOUT_MS', async (t) => {
  const proxy = await startTcpProxy({ host: server.host, port: server.port })
  t.teardown(() => proxy.close())
  proxy.set('blackhole')
  const res = await runCli(['diff', '--from', staging, '--to', proxy.url(production)], { CHECK_TIMEOUT_MS: '500' })
  t.equal(res.code, 2)
  t.match(res.stderr, new RegExp(`^schema-sentinel: --to: cannot read database 127\\.0\\.0\\.1:${proxy.port}/db_\\w+: .*time.*\\n$`, 'i'))
  t.notMatch(res.stderr, server.password)
})

t.test('as a process: exit codes and one line on stderr', async (t) => {
  const ok = await spawnCli(['diff', '--from', staging, '--to', staging])
  t.equal(ok.code, 0, ok.stderr)
  const drift = await spawnCli(['diff', '--from', staging, '--to', production, '--format', 'sql'])
  t.equal(drift.code, 1, drift.stderr)
  t.match(drift.stdout, /^BEGIN;$[^]*^ALTER TABLE public\.pdfs ADD COLUMN processing_started_at timestamp without time zone;$[^]*^COMMIT;$/m)
  const bad = await spawnCli(['diff', '--from', 'nope.yaml', '--to', staging])
  t.equal(bad.code, 2)
  t.match(bad.stderr, /^schema-sentinel: --from: nope\.yaml: file not found\n$/)
})

t.test('text output escapes control characters from the database; the SQL script keeps names exact', async (t) => {
  const odd = await database('CREATE TABLE "evil\u001b[2J\nok" (id integer);')
  const clean = await database('')
  const text = await runCli(['diff', '--from', odd, '--to', clean], {})
  t.equal(text.code, 1)
  t.match(text.stdout, 'public.evil\\e[2J\\nok is expected but missing')
  t.notMatch(text.stdout, '\u001b')
  const sql = await runCli(['diff', '--from', odd, '--to', clean, '--format', 'sql'], {})
  t.match(sql.stdout, '-- public.evil\\u001b[2J\\nok: missing_table\nCREATE TABLE public."evil\u001b[2J\nok" (', 'comments escaped, the identifier exact')
})
