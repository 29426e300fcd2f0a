import t from 'tap'
import { renderMetrics } from '../../src/render/metrics.js'
import { FINDING_KINDS, SEVERITIES } from '../../src/report.js'
import { EXPOSURE_KINDS } from '../../src/security/findings.js'
import { alembicBehind, connectivityPass, driftMissing, exposureFailing, report } from './reports.js'

const value = (text: string, series: string): number | undefined => {
  const line = text.split('\n').find((l) => l.startsWith(series + ' '))
  return line === undefined ? undefined : Number(line.slice(series.length + 1))
}

t.test('values follow the Report', async (t) => {
  const text = renderMetrics(report([connectivityPass, alembicBehind, driftMissing], { errorsTotal: { 'schema:drift': 2 } }), '0.1.0')
  t.equal(value(text, 'schema_sentinel_up'), 1)
  t.equal(value(text, 'schema_sentinel_check_status{check="alembic:revision",status="warn"}'), 1)
  t.equal(value(text, 'schema_sentinel_check_status{check="alembic:revision",status="fail"}'), 0)
  t.equal(value(text, 'schema_sentinel_drift_findings{kind="missing_column",severity="fail"}'), 1)
  t.equal(value(text, 'schema_sentinel_alembic_at_expected_head'), 0)
  t.equal(value(text, 'schema_sentinel_alembic_pending_migrations'), 2)
  t.equal(value(text, 'schema_sentinel_alembic_revision_info{source="database",revision="c1d2e3f4g5h6"}'), 1)
  t.equal(value(text, 'schema_sentinel_alembic_revision_info{source="expected",revision="fix_biomarkers_sequence"}'), 1)
  t.equal(value(text, 'schema_sentinel_check_duration_seconds{check="schema:drift"}'), 0.01)
  t.equal(value(text, 'schema_sentinel_last_check_timestamp_seconds'), 1_700_000_000.5)
  t.equal(value(text, 'schema_sentinel_check_errors_total{check="schema:drift"}'), 2)
  t.equal(value(text, 'schema_sentinel_check_errors_total{check="alembic:revision"}'), 0, 'every check has a counter')
  t.equal(value(text, 'schema_sentinel_build_info{version="0.1.0"}'), 1)
})

t.test('every finding kind and severity is present, 0 when none', async (t) => {
  const text = renderMetrics(report([connectivityPass]), '0.1.0')
  for (const kind of FINDING_KINDS) {
    for (const severity of SEVERITIES) {
      t.equal(value(text, `schema_sentinel_drift_findings{kind="${kind}",severity="${severity}"}`), 0, `${kind}/${severity}`)
    }
  }
})

t.test('exposure findings: by kind and severity, every kind present with 0', async (t) => {
  const text = renderMetrics(report([connectivityPass, exposureFailing], { errorsTotal: { 'security:exposure': 1 } }), '0.1.0')
  t.equal(value(text, 'schema_sentinel_exposure_findings{kind="exposed_without_rls",severity="fail"}'), 1)
  t.equal(value(text, 'schema_sentinel_exposure_findings{kind="exposed_definer_view",severity="warn"}'), 1)
  t.equal(value(text, 'schema_sentinel_exposure_findings{kind="rls_without_policy",severity="info"}'), 1)
  t.equal(value(text, 'schema_sentinel_exposure_findings{kind="exposed_without_rls",severity="warn"}'), 0)
  t.equal(value(text, 'schema_sentinel_check_errors_total{check="security:exposure"}'), 1)
  t.equal(value(text, 'schema_sentinel_check_status{check="security:exposure",status="fail"}'), 1)
  const none = renderMetrics(report([connectivityPass]), '0.1.0')
  for (const kind of EXPOSURE_KINDS) {
    for (const severity of SEVERITIES) t.equal(value(none, `schema_sentinel_exposure_findings{kind="${kind}",severity="${severity}"}`), 0, `${kind}/${severity}`)
  }
  t.equal(value(none, 'schema_sentinel_check_errors_total{check="security:exposure"}'), 0, 'its error counter exists from the start')
})

t.test('label values are escaped', async (t) => {
  const odd = { ...alembicBehind, alembic: { ...alembicBehind.alembic!, database: ['a"b\\c\nd'] } }
  const text = renderMetrics(report([connectivityPass, odd]), '0.1.0')
  t.match(text, /revision="a\\"b\\\\c\\nd"/)
})

t.test('every family has HELP and TYPE, and names carry the prefix', async (t) => {
  const text = renderMetrics(undefined, '0.1.0')
  const families = [...text.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map((m) => m[1])
  t.equal(families.length, 11)
  for (const name of families) t.match(text, new RegExp(`^# HELP ${name} `, 'm'))
  for (const line of text.split('\n').filter((l) => l && !l.startsWith('#'))) t.match(line, /^schema_sentinel_/)
  t.equal(value(text, 'schema_sentinel_up'), 0, 'no round yet: not up')
})

// The metrics table of the contract: name -> [type, label names].
const CONTRACT: Record<string, [string, string[]]> = {
  schema_sentinel_up: ['gauge', []],
  schema_sentinel_check_status: ['gauge', ['check', 'status']],
  schema_sentinel_drift_findings: ['gauge', ['kind', 'severity']],
  schema_sentinel_exposure_findings: ['gauge', ['kind', 'severity']],
  schema_sentinel_alembic_at_expected_head: ['gauge', []],
  schema_sentinel_alembic_pending_migrations: ['gauge', []],
  schema_sentinel_alembic_revision_info: ['gauge', ['source', 'revision']],
  schema_sentinel_check_duration_seconds: ['gauge', ['check']],
  schema_sentinel_last_check_timestamp_seconds: ['gauge', []],
  schema_sentinel_check_errors_total: ['counter', ['check']],
  schema_sentinel_build_info: ['gauge', ['version']]
}

t.test('names, types and label names follow the contract table', async (t) => {
  const text = renderMetrics(report([connectivityPass, alembicBehind, driftMissing], { errorsTotal: { 'schema:drift': 1 } }), '0.1.0')
  const types = Object.fromEntries([...text.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map((m) => [m[1]!, m[2]!]))
  t.same(types, Object.fromEntries(Object.entries(CONTRACT).map(([name, [type]]) => [name, type])), 'every family with its type')
  for (const line of text.split('\n').filter((l) => l !== '' && !l.startsWith('#'))) {
    const m = /^([a-z_]+)(?:\{(.*)\})? \S+$/.exec(line)
    t.ok(m, `a sample line: ${line}`)
    const labels = m?.[2] === undefined ? [] : [...m[2].matchAll(/([a-z_]+)="/g)].map((x) => x[1])
    t.same(labels, CONTRACT[m?.[1] ?? '']?.[1], `${line}: labels`)
  }
  for (const value of ['pass', 'warn', 'fail']) t.match(text, new RegExp(`check_status\\{check="schema:drift",status="${value}"\\}`), `status="${value}" is a series`)
  for (const source of ['database', 'expected']) t.match(text, new RegExp(`alembic_revision_info\\{source="${source}",`), `source="${source}"`)
  t.match(text, /^schema_sentinel_check_status\{check="schema:drift",status="fail"\} 1$/m)
  t.match(text, /^schema_sentinel_check_status\{check="schema:drift",status="pass"\} 0$/m, '0 for the other statuses')
})
