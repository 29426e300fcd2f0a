import t from 'tap'
import { renderHealth, renderLive, renderReady } from '../../src/render/health.js'
import { alembicBehind, connectivityPass, driftClean, driftMissing, exposureFailing, exposureNotChecked, report } from './reports.js'

const info = { version: '0.1.0', releaseId: '3f2c1e9' }

t.test('a revision mismatch is warn in /health and fail in /health/schema', async (t) => {
  const r = report([connectivityPass, alembicBehind, driftClean])
  const health = renderHealth(r, 'health', true, info)
  t.equal(health.statusCode, 200)
  t.equal(health.body.status, 'warn')
  t.equal(health.body.output, 'database is behind: 2 revisions to apply')
  const a = health.body.checks!['alembic:revision']![0]!
  t.same(a, { componentType: 'datastore', status: 'warn', state: 'behind', observedValue: ['c1d2e3f4g5h6'], expected: ['fix_biomarkers_sequence'], expectedSource: 'ALEMBIC_VERSIONS_DIR', pending: 2, time: '2026-11-24T10:00:00.000Z', output: 'database is behind: 2 revisions to apply' })
  const schema = renderHealth(r, 'schema', true, info)
  t.equal(schema.statusCode, 503)
  t.equal(schema.body.status, 'fail')
  t.equal(schema.body.checks!['alembic:revision']![0]!.status, 'fail')
})

t.test('a missing column fails both readings and leads the output', async (t) => {
  const r = report([connectivityPass, alembicBehind, driftMissing])
  t.equal(renderHealth(r, 'health', true, info).body.output, 'public.pdfs.processing_started_at is expected but missing', 'the fail, not the warn, is summarised')
  t.equal(renderHealth(r, 'schema', true, info).body.output, 'database is behind: 2 revisions to apply; public.pdfs.processing_started_at is expected but missing', 'every failing check is summarised')
  for (const view of ['health', 'schema'] as const) {
    const { statusCode, body } = renderHealth(r, view, true, info)
    t.equal(statusCode, 503)
    const d = body.checks!['schema:drift']![0]!
    t.equal(d.observedValue, 1)
    t.equal(d.observedUnit, 'findings')
    t.same((d.findings as Array<{ column: string }>).map((f) => f.column), ['processing_started_at'])
  }
})

t.test('security:exposure: its own findings array; an exposed table fails /health too', async (t) => {
  const r = report([connectivityPass, driftClean, exposureFailing])
  const { statusCode, body } = renderHealth(r, 'health', true, info)
  t.equal(statusCode, 503)
  t.equal(body.output, exposureFailing.output)
  const e = body.checks!['security:exposure']![0]!
  t.same(Object.keys(e), ['componentType', 'status', 'observedValue', 'observedUnit', 'findings', 'time', 'output'], 'own fields where the renderer puts every check\'s')
  t.same((e.findings as Array<{ kind: string, table: string, grants: unknown }>).map((f) => [f.kind, f.table, f.grants]), [
    ['exposed_without_rls', 'public.lab_reports', { anon: ['select'] }],
    ['exposed_definer_view', 'public.report_summary', { anon: ['select'] }],
    ['rls_without_policy', 'public.drafts', { authenticated: ['select', 'insert'] }]
  ])
  t.same(body.checks!['schema:drift']![0]!.findings, [], "drift's findings stay its own")
  const plain = renderHealth(report([connectivityPass, driftClean, exposureNotChecked]), 'schema', true, info)
  t.equal(plain.statusCode, 200, 'not_checked passes')
  t.match(plain.body.checks!['security:exposure']![0]!.output, /^not_checked: /)
})

t.test('pass has no output; without details only status, version, releaseId', async (t) => {
  const r = report([connectivityPass, driftClean])
  const full = renderHealth(r, 'health', true, info)
  t.equal(full.body.status, 'pass')
  t.notOk('output' in full.body)
  const bare = renderHealth(report([connectivityPass, driftMissing]), 'health', false, info)
  t.same(bare.body, { status: 'fail', version: '0.1.0', releaseId: '3f2c1e9' })
  t.equal(bare.statusCode, 503, 'the status code does not depend on the token')
  t.notOk('releaseId' in renderHealth(r, 'health', false, { version: '0.1.0' }).body, 'releaseId omitted when unknown')
})

t.test('output: present exactly when the status is not pass, one line, only with details', async (t) => {
  const statuses = ['pass', 'warn', 'fail'] as const
  const make = (i: number, status: typeof statuses[number], strict: typeof statuses[number]) =>
    ({ ...connectivityPass, name: (['postgres:connectivity', 'alembic:revision', 'schema:drift'] as const)[i]!, status, strictStatus: strict, output: status === 'pass' && strict === 'pass' ? undefined : `check ${i} is ${strict}` })
  let combos = 0
  for (const a of statuses) {
    for (const b of statuses) {
      for (const strictB of statuses.slice(statuses.indexOf(b))) {
        const r = report([make(0, a, a), make(1, b, strictB), make(2, 'pass', 'pass')])
        for (const view of ['health', 'schema'] as const) {
          combos++
          const { statusCode, body } = renderHealth(r, view, true, info)
          t.equal('output' in body, body.status !== 'pass', `${a}/${b}/${strictB} in ${view}: output iff not pass`)
          if (body.output !== undefined) t.notMatch(body.output, /\n/, 'one line')
          t.equal(statusCode, body.status === 'fail' ? 503 : 200)
          t.notOk('output' in renderHealth(r, view, false, info).body, 'never without details')
        }
      }
    }
  }
  t.equal(combos, 36)
  t.equal(renderHealth(undefined, 'health', true, info).body.output, 'no check round has finished yet')
  t.same(renderHealth(undefined, 'schema', false, info).body, { status: 'fail', version: '0.1.0', releaseId: '3f2c1e9' })
})

t.test('liveness and readiness bodies', async (t) => {
  t.same(renderLive(info), { statusCode: 200, body: { status: 'pass', version: '0.1.0', releaseId: '3f2c1e9' } })
  const r = report([connectivityPass])
  t.same(renderReady(r, false, true, info), { statusCode: 200, body: { status: 'pass', version: '0.1.0', releaseId: '3f2c1e9' } })
  t.same(renderReady(undefined, false, true, info).body, { status: 'fail', version: '0.1.0', releaseId: '3f2c1e9', output: 'no check round has finished yet' })
  t.equal(renderReady(undefined, false, true, info).statusCode, 503)
  t.same(renderReady(r, true, true, info), { statusCode: 503, body: { status: 'fail', version: '0.1.0', releaseId: '3f2c1e9', output: 'shutting down' } })
  t.same(renderReady(r, true, false, info).body, { status: 'fail', version: '0.1.0', releaseId: '3f2c1e9' }, 'the reason is a detail')
})

t.test('details say which expectation is in force and since when', async (t) => {
  const { renderHealth: render } = await import('../../src/render/health.js')
  const { report: make, connectivityPass: pass } = await import('./reports.js')
  const r = make([pass], { expectation: { source: 'posted', release: 'r1', since: Date.UTC(2026, 0, 2) } })
  t.same(render(r, 'schema', true, { version: '1' }).body.expectation, { source: 'posted', release: 'r1', since: '2026-01-02T00:00:00.000Z' })
  t.notOk('expectation' in render(r, 'schema', false, { version: '1' }).body, 'not without details')
})
