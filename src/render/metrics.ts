// Report -> Prometheus text exposition for schema-sentinel's own metrics. Pure:
// failures are values (`up 0`, `check_status{status="fail"} 1`), never a failed scrape.
import { CHECK_NAMES, FINDING_KINDS, SEVERITIES, type Report, type Status } from '../report.js'
import { exposureSamples } from '../security/present.js'

export const PREFIX = 'schema_sentinel_'
const STATUSES: readonly Status[] = ['pass', 'warn', 'fail']

type Labels = Record<string, string>
interface Sample { labels?: Labels, value: number }

function escapeLabel (value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"')
}

function family (name: string, type: 'gauge' | 'counter', help: string, samples: readonly Sample[]): string {
  const lines = [`# HELP ${PREFIX}${name} ${help}`, `# TYPE ${PREFIX}${name} ${type}`]
  for (const s of samples) {
    const labels = s.labels === undefined
      ? ''
      : `{${Object.entries(s.labels).map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(',')}}`
    lines.push(`${PREFIX}${name}${labels} ${Number.isFinite(s.value) ? s.value : 0}`)
  }
  return lines.join('\n') + '\n'
}

export function renderMetrics (report: Report | undefined, version: string): string {
  const checks = report?.checks ?? []
  const byName = new Map(checks.map((c) => [c.name, c]))
  const alembic = byName.get('alembic:revision')?.alembic
  const findings = byName.get('schema:drift')?.drift?.findings ?? []
  const out: string[] = []

  out.push(family('up', 'gauge', '1 if the last round reached the database.', [{ value: report?.up === true ? 1 : 0 }]))
  out.push(family('check_status', 'gauge', '1 for the current status of each check (as /health reads it), 0 for the others.',
    checks.flatMap((c) => STATUSES.map((s) => ({ labels: { check: c.name, status: s }, value: c.status === s ? 1 : 0 })))))
  out.push(family('drift_findings', 'gauge', 'Schema drift findings of the last round.',
    FINDING_KINDS.flatMap((kind) => SEVERITIES.map((severity) => ({
      labels: { kind, severity },
      value: findings.filter((f) => f.kind === kind && f.severity === severity).length
    })))))
  out.push(family('exposure_findings', 'gauge', 'Tables and views the Data API roles reach without row-level security guarding them (security:exposure), last round.',
    exposureSamples(byName.get('security:exposure')?.exposure?.findings ?? [])))
  out.push(family('alembic_at_expected_head', 'gauge', '1 when the database is at the expected Alembic heads.',
    [{ value: alembic?.state === 'current' ? 1 : 0 }]))
  out.push(family('alembic_pending_migrations', 'gauge', 'Alembic revisions still to apply.', [{ value: alembic?.pending ?? 0 }]))
  out.push(family('alembic_revision_info', 'gauge', 'Alembic revisions in the database and expected by the code; always 1.', [
    ...(alembic?.database ?? []).map((revision) => ({ labels: { source: 'database', revision }, value: 1 })),
    ...(alembic?.expected ?? []).map((revision) => ({ labels: { source: 'expected', revision }, value: 1 }))
  ]))
  out.push(family('check_duration_seconds', 'gauge', 'Time each check took in the last round.',
    checks.map((c) => ({ labels: { check: c.name }, value: c.durationMs / 1000 }))))
  out.push(family('last_check_timestamp_seconds', 'gauge', 'End of the last round, Unix time.',
    report === undefined ? [] : [{ value: report.finishedAt / 1000 }]))
  out.push(family('check_errors_total', 'counter', 'Checks that errored or timed out since start.',
    CHECK_NAMES.map((name) => ({ labels: { check: name }, value: report?.errorsTotal[name] ?? 0 }))))
  out.push(family('build_info', 'gauge', 'Version of schema-sentinel; always 1.', [{ labels: { version }, value: 1 }]))
  return out.join('')
}
