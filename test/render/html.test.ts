// The status page renderer: pure, escapes everything, groups findings by table, hides
// details without the token, and never pulls in scripts or other sites.
import t from 'tap'
import { esc, renderHtml } from '../../src/render/html.js'
import type { RoleFacts } from '../../src/checks/connectivity.js'
import type { CheckResult, Report } from '../../src/report.js'
import type { Finding } from '../../src/schema/findings.js'
import type { ExposureFacts } from '../../src/security/findings.js'
import { exposureFailing, exposureNotChecked } from './reports.js'

const TIME = '2026-11-24T10:00:00.000Z'
const info = { version: '0.1.0', releaseId: '3f2c1e9' }

function check (over: Partial<CheckResult> & Pick<CheckResult, 'name'>): CheckResult {
  return { status: 'pass', strictStatus: over.status ?? 'pass', errored: false, durationMs: 1.25, time: TIME, ...over }
}

function report (checks: CheckResult[]): Report {
  return { version: '0.1.0', startedAt: Date.parse(TIME) - 12, finishedAt: Date.parse(TIME), up: true, checks, errorsTotal: {} }
}

const missing = (table: string, column: string): Finding =>
  ({ kind: 'missing_column', severity: 'fail', table, column, message: `${table}.${column} is expected but missing` })

const passing = report([
  check({ name: 'postgres:connectivity', observedValue: 2.1, observedUnit: 'ms' }),
  check({ name: 'alembic:revision', facts: { state: 'current', database: ['c3'], expected: ['c3'], expectedSource: 'EXPECTED_REVISION', tableExists: true } }),
  check({ name: 'schema:drift', observedValue: 0, observedUnit: 'findings', facts: { findings: [], tablesCompared: 4, columnsCompared: 17 } })
])

t.test('esc escapes the five HTML specials', async (t) => {
  t.equal(esc(`<a href="x">'&'</a>`), '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;')
})

t.test('a passing report: 200, every check, the Alembic state and the round time', async (t) => {
  const { statusCode, html } = renderHtml(passing, { ...info, details: true })
  t.equal(statusCode, 200)
  t.match(html, /^<!DOCTYPE html>/)
  t.match(html, '<title>schema-sentinel: PASS</title>')
  for (const name of ['postgres:connectivity', 'alembic:revision', 'schema:drift']) t.match(html, `data-check="${name}"`)
  t.match(html, '<strong id="alembic-state">current</strong>')
  t.match(html, '<time datetime="2026-11-24T10:00:00.000Z">')
  t.match(html, 'took 12 ms')
  t.match(html, 'No drift found.')
  t.match(html, '4 tables and 17 columns compared')
  t.match(html, '<code>3f2c1e9</code>')
  t.notMatch(html, 'id="summary"', 'no summary line when passing')
})

t.test('drift findings are grouped by table; fail gives 503', async (t) => {
  const failing = report([
    check({ name: 'postgres:connectivity', observedValue: 1, observedUnit: 'ms' }),
    check({
      name: 'schema:drift',
      status: 'fail',
      output: 'public.pdfs.processing_started_at is expected but missing',
      facts: {
        findings: [missing('public.pdfs', 'processing_started_at'), missing('public.users', 'email'), missing('public.pdfs', 'file_id')],
        tablesCompared: 2,
        columnsCompared: 9
      }
    })
  ])
  const { statusCode, html } = renderHtml(failing, { ...info, details: true })
  t.equal(statusCode, 503)
  t.match(html, '<title>schema-sentinel: FAIL</title>')
  t.match(html, 'Schema drift: 3 findings')
  t.match(html, '<p id="summary"><strong>public.pdfs.processing_started_at is expected but missing</strong></p>')
  t.equal(html.split('<h3><code>public.pdfs</code></h3>').length - 1, 1, 'one heading per table')
  const pdfs = html.slice(html.indexOf('<h3><code>public.pdfs</code></h3>'), html.indexOf('<h3><code>public.users</code></h3>'))
  t.match(pdfs, '<code>processing_started_at</code>')
  t.match(pdfs, '<code>file_id</code>', 'both pdfs findings sit under the pdfs heading')
  t.notMatch(pdfs, 'email')
})

// The registry runs exposure last; its section (htmlOrder -1) comes first, right below the checks.
t.test('exposure: its own section before the others, exposed tables first', async (t) => {
  const exposed = report([
    check({ name: 'postgres:connectivity' }),
    check({ name: 'alembic:revision', facts: { state: 'current', database: ['c3'], expected: ['c3'], tableExists: true } }),
    check({ name: 'schema:drift', status: 'fail', facts: { findings: [missing('public.pdfs', 'x')], tablesCompared: 1, columnsCompared: 1 } }),
    exposureFailing
  ])
  const { statusCode, html } = renderHtml(exposed, { ...info, details: true })
  t.equal(statusCode, 503)
  const at = (s: string) => html.indexOf(s)
  t.ok(at('id="checks"') < at('id="exposure"') && at('id="exposure"') < at('id="alembic"') && at('id="alembic"') < at('id="drift"'), 'checks, exposure, then alembic and drift in registry order')
  t.ok(at('data-check="schema:drift"') < at('data-check="security:exposure"'), 'the table of checks keeps registry order')
  t.match(html, 'Supabase exposure: 3 findings')
  const section = html.slice(at('id="exposure"'), at('id="alembic"'))
  const kinds = [...section.matchAll(/data-kind="([a-z_]+)" data-table="([^"]+)"/g)].map((m) => `${m[1]} ${m[2]}`)
  t.same(kinds, ['exposed_without_rls public.lab_reports', 'exposed_definer_view public.report_summary', 'rls_without_policy public.drafts'])
  t.match(section, 'anon (select)')
  t.match(section, '7 relations in public reachable by anon, authenticated')
  t.match(html, 'data-check="security:exposure"')

  const plain = renderHtml(report([check({ name: 'postgres:connectivity' }), exposureNotChecked]), { ...info, details: true })
  t.equal(plain.statusCode, 200)
  t.match(plain.html, /<section id="exposure">\n<h2>Supabase exposure<\/h2>\n<p class="muted">not_checked: none of the roles anon, authenticated exists/)
  const clean = { ...exposureFailing, status: 'pass' as const, output: undefined, facts: { ...(exposureFailing.facts as ExposureFacts), findings: [] } }
  t.match(renderHtml(report([clean]), { ...info, details: true }).html, 'Every table anon, authenticated can reach has row-level security and a policy')
})

t.test('a warn report answers 200 and shows the pending count', async (t) => {
  const behind = report([
    check({ name: 'postgres:connectivity' }),
    check({ name: 'alembic:revision', status: 'warn', strictStatus: 'fail', output: 'behind by 2', facts: { state: 'behind', database: ['a1'], expected: ['c3'], pending: 2, tableExists: true } })
  ])
  const { statusCode, html } = renderHtml(behind, { ...info, details: true })
  t.equal(statusCode, 200)
  t.match(html, '<title>schema-sentinel: WARN</title>')
  t.match(html, '<strong id="alembic-state">behind</strong>')
  t.match(html, '<span id="alembic-pending">2</span>')
  t.match(html, '<code>a1</code>')
  t.match(html, '<code>c3</code>')
})

t.test('hostile names from the database are escaped everywhere', async (t) => {
  const evil = '<script>alert("x")</script>'
  const hostile = report([
    check({ name: 'postgres:connectivity' }),
    check({ name: 'alembic:revision', status: 'warn', output: `unknown ${evil}`, facts: { state: 'unknown', database: [evil], expected: ['c3'], tableExists: true } }),
    check({ name: 'schema:drift', status: 'fail', output: evil, facts: { findings: [missing(`public.${evil}`, `col"'${evil}`)], tablesCompared: 1, columnsCompared: 1 } })
  ])
  const { html } = renderHtml(hostile, { version: `1<b>`, releaseId: `"><img src=x>`, details: true })
  t.notMatch(html, /<script/i, 'no script element at all')
  t.notMatch(html, '<img', 'no injected element')
  t.notMatch(html, '<b>')
  t.match(html, '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;')
  t.match(html, '<h3><code>public.&lt;script&gt;')
  t.match(html, 'col&quot;&#39;&lt;script&gt;')

  const f = (exposureFailing.facts as ExposureFacts).findings[0]!
  const evilExposure = { ...exposureFailing, facts: { ...(exposureFailing.facts as ExposureFacts), roles: [evil], findings: [{ ...f, table: `public.${evil}`, grants: { [evil]: f.grants.anon! }, message: evil }] } }
  const page = renderHtml(report([evilExposure]), { ...info, details: true }).html
  t.notMatch(page, /<script/i, 'exposure section: no script element')
  t.match(page, 'data-table="public.&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"')
})

t.test('without details: only the overall status and the token form', async (t) => {
  const failing = report([check({ name: 'postgres:connectivity', status: 'fail', output: 'connection refused (ECONNREFUSED)' })])
  const { statusCode, html } = renderHtml(failing, { ...info, details: false })
  t.equal(statusCode, 503)
  t.match(html, '<title>schema-sentinel: FAIL</title>')
  t.match(html, '<form method="post" action="/">')
  t.match(html, 'name="token" type="password"')
  t.notMatch(html, 'postgres:connectivity')
  t.notMatch(html, 'ECONNREFUSED')
  t.notMatch(html, 'not accepted')
  t.match(renderHtml(failing, { ...info, details: false, tokenRejected: true }).html, 'That token was not accepted.')
})

t.test('before the first round: 503 and says so', async (t) => {
  const { statusCode, html } = renderHtml(undefined, { ...info, details: true })
  t.equal(statusCode, 503)
  t.match(html, 'no check round has finished yet')
})

t.test('self-contained: no scripts, no external assets', async (t) => {
  const { html } = renderHtml(passing, { ...info, details: true })
  t.notMatch(html, /<(script|link|img|iframe)\b/i)
  t.notMatch(html, /(src|href)=/i)
  t.notMatch(html, /https?:\/\//)
})

t.test('a superuser or BYPASSRLS role is warned about, with details only', async (t) => {
  const as = (role: RoleFacts) => report([check({ name: 'postgres:connectivity', observedValue: 2.1, observedUnit: 'ms', facts: { role } })])
  const superuser = renderHtml(as({ name: 'postgres', superuser: true, bypassRls: true }), { ...info, details: true }).html
  t.match(superuser, '<p id="role-warning" class="notice"><strong>Warning:</strong> connected as postgres, a superuser: schema-sentinel only reads the catalog and the version table; give it a least-privilege role (README: Database role)</p>')
  t.match(renderHtml(as({ name: 'svc', superuser: false, bypassRls: true }), { ...info, details: true }).html, 'connected as svc, a role that bypasses row-level security')
  t.notMatch(renderHtml(as({ name: 'schema_sentinel', superuser: false, bypassRls: false }), { ...info, details: true }).html, 'role-warning', 'a plain role: no warning')
  t.notMatch(renderHtml(as({ name: 'postgres', superuser: true, bypassRls: true }), { ...info, details: false }).html, 'role-warning', 'not without the token: it tells an attacker what the sentinel can do')
  t.notMatch(renderHtml(as({ name: '<b>x', superuser: true, bypassRls: false }), { ...info, details: true }).html, '<b>x', 'the role name is escaped')
})

t.test('the page says which expectation is in force, and that a restart goes back to the baked-in one', async (t) => {
  const posted = renderHtml({ ...passing, expectation: { source: 'posted', release: '<b>r1', since: Date.UTC(2026, 0, 2) } }, { ...info, details: true }).html
  t.match(posted, 'posted by release <code>&lt;b&gt;r1</code> since <time datetime="2026-01-02T00:00:00.000Z">')
  t.match(posted, 'after a restart the baked-in files apply again')
  const file = renderHtml({ ...passing, expectation: { source: 'file', since: 0 } }, { ...info, details: true }).html
  t.match(file, 'Expectation: the files baked into this service, since')
})
