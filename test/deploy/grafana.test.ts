// The Grafana dashboard is valid JSON, covers what it should, every PromQL expression is
// valid (promtool parses it) and names only metrics the service exposes.
import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import YAML from 'yaml'
import { createProcessMetrics } from '../../src/process-metrics.js'
import { renderMetrics } from '../../src/render/metrics.js'
import type { Report } from '../../src/report.js'
import { missingTool } from '../helpers/system-tool.js'

const FILE = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'deploy', 'grafana', 'dashboard.json')
// Prometheus adds `up` for every target itself.
const SCRAPE_METRICS = ['up']

interface Panel { id: number, title: string, type: string, targets?: Array<{ expr?: string }>, panels?: Panel[] }
interface Dashboard { uid: string, title: string, panels: Panel[], templating: { list: Array<{ name: string, query?: unknown }> } }

/** Metric names in a PromQL expression: identifiers that are not functions, keywords, labels or durations. */
function metricNames (expr: string): string[] {
  const s = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
  const keywords = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool', 'and', 'or', 'unless', 'offset', 'Inf', 'NaN'])
  const out = new Set<string>()
  for (const m of s.matchAll(/[A-Za-z_:][A-Za-z0-9_:]*/g)) {
    const before = s[m.index - 1] ?? ' '
    const after = s.slice(m.index + m[0].length)
    if (/[0-9.$]/.test(before) || /^\s*\(/.test(after) || keywords.has(m[0])) continue
    out.add(m[0])
  }
  return [...out]
}

function expressions (dashboard: Dashboard): Array<{ where: string, expr: string }> {
  const out: Array<{ where: string, expr: string }> = []
  const walk = (panels: Panel[]) => {
    for (const p of panels) {
      for (const target of p.targets ?? []) if (target.expr !== undefined) out.push({ where: `panel "${p.title}"`, expr: target.expr })
      walk(p.panels ?? [])
    }
  }
  walk(dashboard.panels)
  for (const v of dashboard.templating.list) {
    const q = typeof v.query === 'object' && v.query !== null ? (v.query as { query?: string }).query : undefined
    const metric = q !== undefined ? /^label_values\(\s*([^,]+),/.exec(q)?.[1] : undefined
    if (metric !== undefined) out.push({ where: `variable $${v.name}`, expr: metric })
  }
  return out
}

/** Names in an exposition: every `# TYPE` family and every sample name. */
function exposedNames (text: string): Set<string> {
  const names = new Set<string>()
  for (const line of text.split('\n')) {
    const type = /^# TYPE (\S+) /.exec(line)
    if (type !== null) names.add(type[1]!)
    else if (line !== '' && !line.startsWith('#')) names.add(/^[^{ ]+/.exec(line)![0])
  }
  return names
}

const dashboard = JSON.parse(readFileSync(FILE, 'utf8')) as Dashboard
const exprs = expressions(dashboard)

t.test('metricNames finds metric names and nothing else', async (t) => {
  t.same(metricNames('sum by (check) (increase(schema_sentinel_check_errors_total{job="x", instance=~"$instance"}[$__rate_interval]))'), ['schema_sentinel_check_errors_total'])
  t.same(metricNames('time() - max(a_seconds{x="y"}) > bool 2e3 and on (instance) b offset 5m'), ['a_seconds', 'b'])
  t.same(metricNames('rate(schema_sentinel_no_such_metric[5m])'), ['schema_sentinel_no_such_metric'])
})

t.test('a dashboard with the panels the service needs', async (t) => {
  t.equal(dashboard.uid, 'schema-sentinel')
  const ids = dashboard.panels.map((p) => p.id)
  t.equal(new Set(ids).size, ids.length, 'panel ids are unique')
  const all = exprs.map((e) => e.expr).join('\n')
  for (const needed of ['schema_sentinel_check_status', 'schema_sentinel_drift_findings', 'schema_sentinel_alembic_pending_migrations',
    'schema_sentinel_check_duration_seconds', 'schema_sentinel_up', 'up{']) t.match(all, needed, `uses ${needed}`)
  t.match(all, /sum by \(kind\) \(schema_sentinel_drift_findings/, 'drift findings by kind')
})

t.test('every expression names only metrics the service exposes', async (t) => {
  const report: Report = { version: '0.1.0', startedAt: 0, finishedAt: 1, up: true, checks: [], errorsTotal: {} }
  const exposition = renderMetrics(report, '0.1.0') + await createProcessMetrics().metrics()
  const known = new Set([...exposedNames(exposition), ...SCRAPE_METRICS])
  t.ok(known.has('schema_sentinel_drift_findings') && known.has('schema_sentinel_process_cpu_seconds_total'), 'the exposition was read')
  t.ok(exprs.length >= 12, `${exprs.length} expressions`)
  for (const { where, expr } of exprs) {
    const names = metricNames(expr)
    t.ok(names.length > 0, `${where} names a metric`)
    for (const name of names) t.ok(known.has(name), `${where}: ${name} is exposed`)
  }
})

t.test('promtool parses every expression', { skip: missingTool('/usr/bin/promtool', 'prometheus') }, async (t) => {
  // Grafana's variables become plain values so Prometheus' own parser can read the queries.
  const concrete = (e: string) => e.replace(/\$__rate_interval/g, '1m').replace(/\$instance/g, '.*')
  const rules = { groups: [{ name: 'dashboard', rules: exprs.map((e, i) => ({ record: `dashboard:expr_${i}`, expr: concrete(e.expr) })) }] }
  const dir = mkdtempSync(join(tmpdir(), 'sentinel-grafana-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  writeFileSync(join(dir, 'rules.yml'), YAML.stringify(rules))
  writeFileSync(join(dir, 'broken.yml'), YAML.stringify({ groups: [{ name: 'b', rules: [{ record: 'b:x', expr: 'sum by (kind (x)' }] }] }))
  const promtool = (file: string) => new Promise<{ code: number, output: string }>((resolve) => {
    execFile('/usr/bin/promtool', ['check', 'rules', file], { cwd: dir, timeout: 30_000 }, (err, stdout, stderr) =>
      resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : 1, output: stdout + stderr }))
  })
  const ok = await promtool('rules.yml')
  t.equal(ok.code, 0, ok.output)
  t.not((await promtool('broken.yml')).code, 0, 'a broken expression is caught')
})
