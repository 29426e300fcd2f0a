// How drift findings are shown (pure): grouped by table and by enum type, in the diff's order,
// as the CLI text and the status page show them.
import t from 'tap'
import { renderHtml } from '../../src/render/html.js'
import { renderText } from '../../src/render/text.js'
import type { CheckResult } from '../../src/report.js'
import { findingGroups, findingLines, findingObject } from '../../src/schema/drift-present.js'
import type { DriftFacts, Finding } from '../../src/schema/findings.js'
import { connectivityPass, report } from '../render/reports.js'

const FINDINGS: Finding[] = [
  { kind: 'missing_primary_key', severity: 'fail', table: 'public.pdfs', columns: ['id'], message: 'public.pdfs has no primary key, expected primary key (id)' },
  { kind: 'missing_column', severity: 'fail', table: 'public.pdfs', column: 'processing_started_at', message: 'public.pdfs.processing_started_at is expected but missing' },
  { kind: 'missing_index', severity: 'warn', table: 'public.users', columns: ['lower(email)'], name: 'ix_users_email', message: 'public.users has no index ix_users_email (lower(email))' },
  { kind: 'missing_enum_value', severity: 'fail', type: 'public.pdf_status', value: 'archived', message: "enum type public.pdf_status lacks label 'archived'" },
  { kind: 'enum_order_mismatch', severity: 'info', type: 'public.pdf_status', expected: { labels: ['a', 'b'] }, actual: { labels: ['b', 'a'] }, message: 'enum type public.pdf_status orders its labels b, a, expected a, b' },
  { kind: 'missing_enum', severity: 'fail', type: 'app.kind', message: 'enum type app.kind is expected but missing' }
]

t.test('groups by table, then by enum type, keeping the order', async (t) => {
  const groups = findingGroups(FINDINGS)
  t.same(groups.map((g) => [g.subject, g.heading, g.findings.length]), [
    ['table', 'public.pdfs', 2], ['table', 'public.users', 1], ['enum', 'enum public.pdf_status', 2], ['enum', 'enum app.kind', 1]
  ])
  t.same(FINDINGS.map(findingObject), [ '(id)', 'processing_started_at', 'ix_users_email', 'archived', undefined, undefined ])
})

t.test('text lines: a heading per group, a line per finding', async (t) => {
  t.same(findingLines(FINDINGS.slice(2, 4), '  '), [
    '  public.users',
    '    warn  missing_index         public.users has no index ix_users_email (lower(email))',
    '  enum public.pdf_status',
    "    fail  missing_enum_value    enum type public.pdf_status lacks label 'archived'"
  ])
})

const drift: CheckResult<DriftFacts> = {
  name: 'schema:drift', status: 'fail', strictStatus: 'fail', errored: false, durationMs: 10, time: '2026-11-24T10:00:00.000Z',
  observedValue: FINDINGS.length, observedUnit: 'findings', output: FINDINGS[0]!.message,
  facts: { tablesCompared: 2, columnsCompared: 9, findings: FINDINGS }
}

t.test('check prints enum findings under their type, and the status page heads them so', async (t) => {
  const text = renderText(report([connectivityPass, drift]))
  t.match(text, /\n {8}enum public\.pdf_status\n {10}fail {2}missing_enum_value {4}enum type public\.pdf_status lacks label 'archived'\n/)
  const { html } = renderHtml(report([connectivityPass, drift]), { version: '0.1.0', details: true })
  t.match(html, '<h3>enum <code>public.pdf_status</code></h3>')
  t.match(html, '<h3><code>public.pdfs</code></h3>')
  t.match(html, '<td><code>archived</code></td>')
})
