// POST /check end to end with real tools: a PostgreSQL migrated by real Alembic, the incident's
// SQLAlchemy models (pdfs.processing_started_at without a migration), the exporter posting to a
// running service, and the route's refusals.
import { execFile } from 'node:child_process'
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { request } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { freePort, startPostgres } from '../helpers/postgres.js'
import { EXPORTER, FIXTURES, missingSqlalchemy, PYTHON } from '../helpers/python.js'
import { startTestService } from '../helpers/service.js'

const TOKEN = 'deploy-token-for-tests-0123456789'

interface Run { code: number, stdout: string, stderr: string }
function run (args: string[], cwd: string, env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(PYTHON, args, { cwd, timeout: 60_000, env: { PATH: process.env.PATH, HOME: process.env.HOME, PYTHONDONTWRITEBYTECODE: '1', ...env } }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1
      resolve({ code, stdout, stderr })
    })
  })
}

/** A raw POST whose answer is read even when the server answers before the body is sent. */
function post (url: string, body: Buffer | string, headers: Record<string, string>, opts: { hold?: Promise<void> } = {}): Promise<{ status: number, headers: Record<string, unknown>, body: string }> {
  return new Promise((resolve, reject) => {
    const data = Buffer.from(body)
    const req = request(url, { method: 'POST', headers: { 'content-length': String(data.length), ...headers } }, (res) => {
      let text = ''
      res.on('data', (c) => { text += String(c) })
      res.on('end', () => { resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }) })
    })
    req.on('error', reject)
    if (opts.hold === undefined) {
      req.end(data)
    } else {
      req.flushHeaders()
      req.write(data.subarray(0, 1))
      void opts.hold.then(() => req.end(data.subarray(1)))
    }
  })
}

const skip = missingSqlalchemy()
if (skip !== false) {
  t.plan(0, `deploy gate: ${skip}`)
} else {
  const server = await startPostgres()
  t.teardown(() => server.destroy())
  const work = mkdtempSync(join(tmpdir(), 'deploy-gate-'))
  t.teardown(() => rmSync(work, { recursive: true, force: true }))

  // The app: its models (the incident's) and an Alembic project whose first migration predates the new column.
  const url = await server.createDatabase('app')
  mkdirSync(join(work, 'app'))
  writeFileSync(join(work, 'app', '__init__.py'), '')
  cpSync(join(FIXTURES, 'incident_models.py'), join(work, 'app', 'models.py'))
  mkdirSync(join(work, 'migrations', 'versions'), { recursive: true })
  writeFileSync(join(work, 'alembic.ini'), `[alembic]\nscript_location = migrations\nsqlalchemy.url = ${url.replace(/^postgres:/, "postgresql:")}\n`)
  writeFileSync(join(work, 'migrations', 'env.py'), `from alembic import context
from sqlalchemy import engine_from_config, pool
config = context.config
engine = engine_from_config(config.get_section(config.config_ini_section), prefix="sqlalchemy.", poolclass=pool.NullPool)
with engine.connect() as connection:
    context.configure(connection=connection)
    with context.begin_transaction():
        context.run_migrations()
`)
  writeFileSync(join(work, 'migrations', 'versions', '0001_initial.py'), `import sqlalchemy as sa
from alembic import op
revision = "0001"
down_revision = None

def upgrade():
    op.create_table("users",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("email", sa.String(255), nullable=False, unique=True),
        sa.Column("is_active", sa.Boolean, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False))
    op.create_table("pdfs",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
        sa.Column("file_id", sa.String(36), nullable=False, unique=True),
        sa.Column("filename", sa.String, nullable=False),
        sa.Column("status", sa.String, nullable=False),
        sa.Column("confidence", sa.Float),
        sa.Column("biomarkers", sa.JSON, nullable=False, server_default="[]"),
        sa.Column("is_processed", sa.Boolean, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False))
`)
  const alembic = await run(['-m', 'alembic', 'upgrade', 'head'], work)
  if (alembic.code !== 0) throw new Error(`alembic upgrade head: ${alembic.stderr}`)

  // The sentinel's baked-in expectation: the models as they were before the new column.
  const exported = await run([EXPORTER, 'app.models:Base'], work)
  if (exported.code !== 0) throw new Error(`export_models.py: ${exported.stderr}`)
  const old = JSON.parse(exported.stdout) as { tables: Record<string, { columns: Record<string, unknown> }> }
  delete old.tables.pdfs!.columns.processing_started_at
  const baked = join(work, 'expected-schema.json')
  writeFileSync(baked, JSON.stringify(old))

  const svc = await startTestService(t, { DATABASE_URL: url, EXPECTED_SCHEMA: baked, DEPLOY_TOKEN: TOKEN, CHECK_INTERVAL_MS: '300' })
  await svc.waitFor('/health/schema', (res) => res.status === 200)
  const gate = (extra: string[] = [], token = TOKEN) => run([EXPORTER, 'app.models:Base', '--post', `${svc.url}/check`, ...extra], work, { SCHEMA_SENTINEL_TOKEN: token })

  t.test('the incident: models with a column no migration made fail the gate, naming it', async (t) => {
    const res = await gate(['--adopt', '--release', 'abc123'])
    t.equal(res.code, 1, res.stderr)
    t.match(res.stdout, /pdfs[\s\S]*processing_started_at/)
    t.notMatch(res.stdout + res.stderr, TOKEN)
    const health = JSON.parse((await (await svc.get('/health/schema')).text()) as string)
    t.equal(health.status, 'pass', 'a failed check is not adopted: the monitor keeps the baked-in expectation')
  })

  t.test('after the migration and alembic upgrade head: exit 0, and --adopt makes the monitor follow the new models', async (t) => {
    writeFileSync(join(work, 'migrations', 'versions', '0002_processing_started_at.py'), `import sqlalchemy as sa
from alembic import op
revision = "0002"
down_revision = "0001"

def upgrade():
    op.add_column("pdfs", sa.Column("processing_started_at", sa.DateTime, nullable=True))
`)
    const up = await run(['-m', 'alembic', 'upgrade', 'head'], work)
    t.equal(up.code, 0, up.stderr)
    const res = await gate(['--adopt', '--release', 'abc123'])
    t.equal(res.code, 0, res.stderr + res.stdout)
    t.match(res.stdout, /PASS|WARN/)
    const body = JSON.parse(await (await svc.get('/health/schema')).text())
    t.same(body.expectation.source, 'posted')
    t.same(body.expectation.release, 'abc123')
    const metrics = await (await svc.get('/metrics')).text()
    t.match(metrics, /schema_sentinel_expectation_info\{source="posted",release="abc123"\} 1/)
    t.match(await (await svc.get('/')).text(), /after a restart the baked-in files apply again/)
    // The baked-in manifest never named the column; the adopted one does: dropping it now fails.
    await server.query('ALTER TABLE pdfs DROP COLUMN processing_started_at', [], 'app')
    const { body: after } = await svc.waitFor('/health/schema', (r) => r.status === 503, 10_000)
    t.match(after, /processing_started_at/)
    await server.query('ALTER TABLE pdfs ADD COLUMN processing_started_at timestamp without time zone', [], 'app')
    await svc.waitFor('/health/schema', (r) => r.status === 200, 10_000)
  })

  t.test('refusals', async (t) => {
    const manifest = JSON.stringify(old)
    const json = { 'content-type': 'application/json' }
    const auth = { ...json, authorization: `Bearer ${TOKEN}` }
    const wrong = await post(`${svc.url}/check`, manifest, { ...json, authorization: 'Bearer nope' })
    t.equal(wrong.status, 401)
    t.notMatch(wrong.body, TOKEN)
    t.equal((await gate([], 'nope')).code, 2, 'the exporter: a refused token is exit 2')

    const big = await post(`${svc.url}/check`, Buffer.alloc(6 * 1024 * 1024, 0x20), auth)
    t.equal(big.status, 413)

    const bad = await post(`${svc.url}/check`, '{"version": 1, "tables": ', auth)
    t.equal(bad.status, 400)
    const output = JSON.parse(bad.body).output as string
    t.ok(output.length > 0 && !output.includes('\n'), `one line: ${output}`)

    for (const type of ['application/yaml', 'text/yaml', 'application/x-yaml; charset=utf-8']) {
      const yaml = await post(`${svc.url}/check`, `version: 1\ntables:\n  pdfs:\n    columns:\n      id: {type: integer}\n`, { ...auth, 'content-type': type })
      t.equal(yaml.status, 200, `${type}: ${yaml.body}`)
    }
    t.equal((await post(`${svc.url}/check`, manifest, { ...auth, 'content-type': 'text/plain' })).status, 415)

    const hostile = await post(`${svc.url}/check`, JSON.stringify({ version: 1, tables: { "x'); DROP TABLE users; --": { columns: { a: { type: 'integer' } } } } }), auth)
    t.equal(hostile.status, 409, 'a table name is data, compared, never SQL')
    t.equal((await server.query("SELECT to_regclass('public.users') IS NOT NULL AS there", [], 'app'))[0]!.there, true)

    // The first request's headers are in, its body is not: it holds the gate until we finish it.
    // Until the server has read those headers, a second request may still pass; ask until one is refused.
    let finish!: () => void
    const hold = new Promise<void>((resolve) => { finish = resolve })
    const first = post(`${svc.url}/check`, manifest, auth, { hold })
    let second = await post(`${svc.url}/check`, manifest, auth)
    for (let i = 0; i < 100 && second.status !== 429; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50))
      second = await post(`${svc.url}/check`, manifest, auth)
    }
    t.equal(second.status, 429, 'a second request while one runs')
    finish()
    t.equal((await first).status, 200, 'the first one answers')
    t.ok(Number(second.headers['retry-after']) >= 1)
  })

  t.test('without DEPLOY_TOKEN there is no /check (404)', async (t) => {
    const plain = await startTestService(t, { DATABASE_URL: url, EXPECTED_SCHEMA: baked })
    const res = await post(`${plain.url}/check`, '{}', { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` })
    t.equal(res.status, 404)
  })

  t.test('the database down: 503', async (t) => {
    const down = await startTestService(t, { DATABASE_URL: `postgres://u:p@127.0.0.1:${await freePort()}/x`, DEPLOY_TOKEN: TOKEN, CHECK_TIMEOUT_MS: '500' })
    const res = await post(`${down.url}/check`, readFileSync(baked), { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` })
    t.equal(res.status, 503)
    t.equal(JSON.parse(res.body).status, 'fail')
    const exporter = await run([EXPORTER, 'app.models:Base', '--post', `${down.url}/check`], work, { SCHEMA_SENTINEL_TOKEN: TOKEN })
    t.equal(exporter.code, 2, 'the exporter: could not check')
    t.match(exporter.stderr, /^export_models: the sentinel could not check the database \(503\): .+\n$/)
  })

  t.test('exporter: bad input is exit 2 and one line', async (t) => {
    for (const [args, env, pattern] of [
      [['--post', 'http://127.0.0.1:1/check'], { SCHEMA_SENTINEL_TOKEN: TOKEN }, /cannot reach the sentinel/],
      [['--post', '127.0.0.1:1/check'], { SCHEMA_SENTINEL_TOKEN: TOKEN }, /http:\/\/ or https:\/\//],
      [['--post', `${svc.url}/check`], {}, /SCHEMA_SENTINEL_TOKEN is not set/]
    ] as Array<[string[], Record<string, string>, RegExp]>) {
      const res = await run([EXPORTER, 'app.models:Base', ...args], work, env)
      t.equal(res.code, 2, args.join(' '))
      t.match(res.stderr, pattern)
      t.equal(res.stderr.trim().split('\n').length, 1)
      t.notMatch(res.stderr, TOKEN)
    }
  })
}
