// The incident schema-sentinel exists for: a model gained pdfs.processing_started_at, the
// script that added the column never became an Alembic migration, alembic_version said head,
// and production failed with "column pdfs_1.processing_started_at does not exist".
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { runCli } from './helpers/cli.js'
import { startPostgres } from './helpers/postgres.js'
import { exportModels, missingSqlalchemy } from './helpers/python.js'
import { startTestService } from './helpers/service.js'

const skip = missingSqlalchemy()
if (skip !== false) {
  t.plan(0, `incident: ${skip}`)
} else {
  const server = await startPostgres()
  t.teardown(() => server.destroy())
  const url = await server.createDatabase()
  const db = new URL(url).pathname.slice(1)
  await server.query(readFileSync(new URL('fixtures/incident_schema.sql', import.meta.url), 'utf8'), [], db)
  const dir = t.testdir({ 'expected-schema.json': await exportModels('incident_models:Base', ['--alembic-heads', 'fix_biomarkers_sequence']) })
  const env = { DATABASE_URL: url, EXPECTED_SCHEMA: join(dir, 'expected-schema.json') }
  const driftLine = (kind: string, severity: string) => new RegExp(`^schema_sentinel_drift_findings\\{kind="${kind}",severity="${severity}"\\} (\\d+)$`, 'm')

  t.test('check catches the missing column that the revision check cannot see', async (t) => {
    const json = await runCli(['check', '--format', 'json'], env)
    t.equal(json.code, 1, 'exit 1: drift')
    const body = JSON.parse(json.stdout)
    t.equal(body.checks['alembic:revision'][0].status, 'pass', 'alembic_version says head, as in the incident')
    t.same(body.checks['schema:drift'][0].findings, [{
      kind: 'missing_column',
      severity: 'fail',
      table: 'public.pdfs',
      column: 'processing_started_at',
      expected: { type: 'timestamp without time zone', nullable: true },
      message: 'public.pdfs.processing_started_at is expected but missing',
      fix: {
        sql: 'ALTER TABLE public.pdfs ADD COLUMN processing_started_at timestamp without time zone;',
        alembic: "op.add_column('pdfs', sa.Column('processing_started_at', sa.DateTime(), nullable=True))"
      }
    }], 'the one finding, with its fix: String vs varchar, Float vs double precision and the JSON default are not drift')
    t.equal(body.output, 'public.pdfs.processing_started_at is expected but missing')

    const text = await runCli(['check'], env)
    t.equal(text.code, 1)
    t.match(text.stdout, /public\.pdfs\n\s+fail\s+missing_column\s+public\.pdfs\.processing_started_at is expected but missing\n\s+fix: ALTER TABLE public\.pdfs ADD COLUMN processing_started_at timestamp without time zone;\n/)
  })

  t.test('the service reports it, and recovers once the column exists', async (t) => {
    const svc = await startTestService(t, env)
    const { body } = await svc.waitFor('/health', (res, text) => res.status === 503 && text.includes('processing_started_at'))
    t.equal(JSON.parse(body).output, 'public.pdfs.processing_started_at is expected but missing')
    t.equal((await svc.get('/health/schema')).status, 503)
    const metrics = await (await svc.get('/metrics')).text()
    t.equal(driftLine('missing_column', 'fail').exec(metrics)?.[1], '1', 'one missing_column finding')
    const total = [...metrics.matchAll(/^schema_sentinel_drift_findings\{[^}]*\} (\d+)$/gm)].reduce((n, m) => n + Number(m[1]), 0)
    t.equal(total, 1, 'and nothing else')

    // The fix the finding carries, as it is.
    await server.query('ALTER TABLE public.pdfs ADD COLUMN processing_started_at timestamp without time zone;', [], db)
    const healed = await svc.waitFor('/health', (res) => res.status === 200)
    t.equal(JSON.parse(healed.body).status, 'pass')
    t.equal((await svc.get('/health/schema')).status, 200)
    t.equal(driftLine('missing_column', 'fail').exec(await (await svc.get('/metrics')).text())?.[1], '0')

    const check = await runCli(['check'], env)
    t.equal(check.code, 0, check.stdout)
    t.match(check.stdout, /schema:drift\s+0 findings \(2 tables, 14 columns compared\)/)
  })
}
