// A finding's fix reaches people: `check` text, /health/schema details, the status page; not
// /health, which uptime monitors poll.
import t from 'tap'
import { renderHealth } from '../../src/render/health.js'
import { renderHtml } from '../../src/render/html.js'
import { renderText } from '../../src/render/text.js'
import type { CheckResult } from '../../src/report.js'
import type { DriftFacts } from '../../src/schema/findings.js'
import { connectivityPass, driftMissing, report } from './reports.js'

const fix = {
  sql: 'ALTER TABLE public.pdfs ADD COLUMN processing_started_at timestamp without time zone;\n-- a <note>',
  alembic: "op.add_column('pdfs', sa.Column('processing_started_at', sa.DateTime(), nullable=True))"
}
const facts = driftMissing.facts as DriftFacts
const drift: CheckResult = { ...driftMissing, facts: { ...facts, findings: [{ ...facts.findings[0]!, fix }] } }
const withFix = report([connectivityPass, drift])

t.test('check text: the SQL under the finding', async (t) => {
  t.match(renderText(withFix), /is expected but missing\n {16}fix: ALTER TABLE public\.pdfs ADD COLUMN processing_started_at timestamp without time zone;\n {21}-- a <note>\n/)
})

t.test('/health/schema details: sql and alembic', async (t) => {
  const body = renderHealth(withFix, 'schema', true, { version: '0.1.0' }).body
  t.same((body.checks?.['schema:drift']?.[0]?.findings as Array<{ fix: unknown }>)[0]!.fix, fix)
})

t.test('/health details: the finding without its fix', async (t) => {
  const body = renderHealth(withFix, 'health', true, { version: '0.1.0' }).body
  const findings = body.checks?.['schema:drift']?.[0]?.findings as Array<Record<string, unknown>>
  t.equal(findings.length, 1)
  t.same(findings[0], facts.findings[0], 'the finding as found, fix left out')
  t.notOk('fix' in findings[0]!)
})

t.test('status page: the SQL, escaped', async (t) => {
  const { html } = renderHtml(withFix, { version: '0.1.0', details: true })
  t.match(html, '<pre class="fix"><code>ALTER TABLE public.pdfs ADD COLUMN processing_started_at timestamp without time zone;\n-- a &lt;note&gt;</code></pre>')
})
