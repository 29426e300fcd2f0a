import t from 'tap'
import { renderMetrics } from '../../src/render/metrics.js'
import type { AlembicFacts } from '../../src/checks/alembic-revision.js'
import { FINDING_KINDS, SEVERITIES } from '../../src/schema/findings.js'
import { alembicBehind, connectivityPass, driftMissing, exposureFailing, report } from './reports.js'
import { EXPOSURE_KINDS } from '../../src/security/findings.js'

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
  t.equal(value(text, 'schema_sentinel_alembic_pending_destructive'), 0, 'no risky operation in the pending revisions')
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
  const odd = { ...alembicBehind, facts: { ...(alembicBehind.facts as AlembicFacts), database: ['a"b\\c\nd'] } }
  const text = renderMetrics(report([connectivityPass, odd]), '0.1.0')
  t.match(text, /revision="a\\"b\\\\c\\nd"/)
})

t.test('every family has HELP and TYPE, and names carry the prefix', async (t) => {
  const text = renderMetrics(undefined, '0.1.0')
  const families = [...text.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map((m) => m[1])
  t.equal(families.length, 13)
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
  schema_sentinel_alembic_pending_destructive: ['gauge', []],
  schema_sentinel_alembic_revision_info: ['gauge', ['source', 'revision']],
  schema_sentinel_check_duration_seconds: ['gauge', ['check']],
  schema_sentinel_last_check_timestamp_seconds: ['gauge', []],
  schema_sentinel_check_errors_total: ['counter', ['check']],
  schema_sentinel_build_info: ['gauge', ['version']],
  schema_sentinel_expectation_info: ['gauge', ['source', 'release']]
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

t.test('expectation_info names the expectation in force, release "none" when not given', async (t) => {
  const posted = renderMetrics(report([connectivityPass], { expectation: { source: 'posted', release: 'abc"1', since: 0 } }), '0.1.0')
  t.match(posted, /^schema_sentinel_expectation_info\{source="posted",release="abc\\"1"\} 1$/m)
  const file = renderMetrics(report([connectivityPass], { expectation: { source: 'file', since: 0 } }), '0.1.0')
  t.match(file, /^schema_sentinel_expectation_info\{source="file",release="none"\} 1$/m)
})
