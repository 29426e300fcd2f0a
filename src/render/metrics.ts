// Report -> Prometheus text exposition for schema-sentinel's own metrics. Pure: failures are
// values (`up 0`, `check_status{status="fail"} 1`), never a failed scrape. The round-level
// families are here; each check adds its own (Presentation.metrics), from its own facts.
import { CHECKS } from '../checks/index.js'
import type { Registry } from '../checks/check.js'
import { RegistryError } from '../errors.js'
import type { Report, Status } from '../report.js'
import { exposition, type MetricFamily } from './exposition.js'

export { PREFIX } from './exposition.js'

const STATUSES: readonly Status[] = ['pass', 'warn', 'fail']

export function metricFamilies (report: Report | undefined, version: string, checks: Registry = CHECKS): MetricFamily[] {
  const results = report?.checks ?? []
  const round: MetricFamily[] = [
    { name: 'up', type: 'gauge', help: '1 if the last round reached the database.', samples: [{ value: report?.up === true ? 1 : 0 }] },
    {
      name: 'check_status',
      type: 'gauge',
      help: '1 for the current status of each check (as /health reads it), 0 for the others.',
      samples: results.flatMap((c) => STATUSES.map((s) => ({ labels: { check: c.name, status: s }, value: c.status === s ? 1 : 0 })))
    },
    { name: 'check_duration_seconds', type: 'gauge', help: 'Time each check took in the last round.', samples: results.map((c) => ({ labels: { check: c.name }, value: c.durationMs / 1000 })) },
    { name: 'last_check_timestamp_seconds', type: 'gauge', help: 'End of the last round, Unix time.', samples: report === undefined ? [] : [{ value: report.finishedAt / 1000 }] },
    {
      name: 'check_errors_total',
      type: 'counter',
      help: 'Checks that errored or timed out since start.',
      samples: checks.map(({ name }) => ({ labels: { check: name }, value: report?.errorsTotal[name] ?? 0 }))
    }
  ]
  round.push({
    name: 'expectation_info',
    type: 'gauge',
    help: 'Which expectation the last round checked: the baked-in files (source="file") or one a deploy posted; always 1.',
    samples: report?.expectation === undefined ? [] : [{ labels: { source: report.expectation.source, release: report.expectation.release ?? 'none' }, value: 1 }]
  })
  const own = checks.flatMap((check) => check.metrics?.(results.find((r) => r.name === check.name)?.facts) ?? [])
  const build: MetricFamily = { name: 'build_info', type: 'gauge', help: 'Version of schema-sentinel; always 1.', samples: [{ labels: { version }, value: 1 }] }
  return [...round, ...own, build]
}

/** Every family name once: a check's own families may not clash with another's or the round's. */
export function assertFamilies (checks: Registry, version = '0'): void {
  const round = new Set(metricFamilies(undefined, version, []).map((f) => f.name))
  const seen = new Set(round)
  for (const check of checks) {
    for (const { name } of check.metrics?.(undefined) ?? []) {
      if (seen.has(name)) throw new RegistryError(check.name, 'metric_family_twice', name)
      seen.add(name)
    }
  }
}

export function renderMetrics (report: Report | undefined, version: string, checks: Registry = CHECKS): string {
  return metricFamilies(report, version, checks).map(exposition).join('')
}
