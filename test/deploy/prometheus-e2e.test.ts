// End to end with a real Prometheus: it scrapes the service with the bearer token, the
// missing-column alert expression finds a planted missing column, and with `for: 0s` the
// alert fires. A second job with the wrong token shows up as a target down with a 401.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import YAML from 'yaml'
import { startPostgres } from '../helpers/postgres.js'
import { PROMETHEUS, startPrometheus } from '../helpers/prometheus.js'
import { startTestService } from '../helpers/service.js'
import { missingTool } from '../helpers/system-tool.js'

const DEPLOY = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'deploy')
const RULES = join(DEPLOY, 'prometheus', 'alerts.yml')
const DASHBOARD = join(DEPLOY, 'grafana', 'dashboard.json')
const TOKEN = 'prometheus-e2e-token-6b1d'
const REVISION = 'a1b2c3d4e5f6'

interface Sample { metric: Record<string, string>, value: [number, string] }
interface Alert { labels: Record<string, string>, annotations: Record<string, string>, state: string }
interface Target { labels: Record<string, string>, health: string, lastError: string }

/** Retries `fn` until it returns a value, for at most `ms`. */
async function eventually<T> (what: string, fn: () => Promise<T | undefined>, ms = 20_000): Promise<T> {
  const until = Date.now() + ms
  for (;;) {
    const value = await fn()
    if (value !== undefined) return value
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
}

const skip = missingTool(PROMETHEUS, 'prometheus')

t.test('Prometheus scrapes with the token and the missing-column alert fires', { skip }, async (t) => {
  const pg = await startPostgres()
  t.teardown(() => pg.destroy())
  await pg.query(`CREATE TABLE pdfs (id integer PRIMARY KEY);
    CREATE TABLE alembic_version (version_num varchar(32) PRIMARY KEY); INSERT INTO alembic_version VALUES ('${REVISION}')`)
  const dir = mkdtempSync(join(tmpdir(), 'sentinel-prom-e2e-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const manifest = join(dir, 'expected.yaml')
  writeFileSync(manifest, 'version: 1\ntables:\n  pdfs:\n    columns:\n      id: integer\n      processing_started_at: timestamp\n')
  // A generous deadline: with `for: 0s`, one timed-out round on a busy machine would fire other alerts.
  const svc = await startTestService(t, { DATABASE_URL: pg.url(), EXPECTED_SCHEMA: manifest, METRICS_TOKEN: TOKEN, CHECK_TIMEOUT_MS: '5000' })
  const target = new URL(svc.url).host

  const rulesText = readFileSync(RULES, 'utf8')
  const fastRules = rulesText.replace(/^(\s+)for: \S+$/gm, '$1for: 0s')
  t.not(fastRules, rulesText, 'the test copy has a short `for`')
  const config = {
    global: { scrape_interval: '1s', scrape_timeout: '900ms', evaluation_interval: '1s' },
    rule_files: ['alerts.yml'],
    scrape_configs: [
      { job_name: 'schema-sentinel', authorization: { type: 'Bearer', credentials: TOKEN }, static_configs: [{ targets: [target] }] },
      { job_name: 'wrong-token', authorization: { type: 'Bearer', credentials: 'not-the-token' }, static_configs: [{ targets: [target] }] }
    ]
  }
  const prom = await startPrometheus(YAML.stringify(config), { 'alerts.yml': fastRules })
  t.teardown(() => prom.stop())

  const columnRule = (YAML.parse(rulesText) as { groups: Array<{ rules: Array<{ alert: string, expr: string }> }> })
    .groups[0]!.rules.find((r) => r.alert === 'SchemaSentinelColumnMissing')!
  const found = await eventually('the missing-column expression to return a series', async () => {
    const data = await prom.api<{ result: Sample[] }>(`query?query=${encodeURIComponent(columnRule.expr)}`)
    return data.result[0]
  })
  t.same(found.metric, { job: 'schema-sentinel', instance: target, kind: 'missing_column' })
  t.equal(found.value[1], '1', 'one missing column')

  const alert = await eventually('SchemaSentinelColumnMissing to fire', async () => {
    const { alerts } = await prom.api<{ alerts: Alert[] }>('alerts')
    return alerts.find((a) => a.labels.alertname === 'SchemaSentinelColumnMissing' && a.state === 'firing')
  })
  t.match(alert.labels, { severity: 'critical', job: 'schema-sentinel', instance: target, kind: 'missing_column' })
  t.equal(alert.annotations.summary, `1 expected column(s) missing in the database behind ${target}`)
  t.equal(alert.annotations.runbook_url, 'https://github.com/schema-sentinel/schema-sentinel#schema-drift')
  const { alerts } = await prom.api<{ alerts: Alert[] }>('alerts')
  const names = alerts.map((a) => a.labels.alertname)
  for (const quiet of ['SchemaSentinelDatabaseUnreachable', 'SchemaSentinelTableMissing', 'SchemaSentinelMigrationNotCurrent', 'SchemaSentinelAlembicUnversioned', 'SchemaSentinelDown']) {
    t.notOk(names.includes(quiet), `${quiet} stays quiet`)
  }

  const wrong = await eventually('the wrong-token target to be scraped', async () => {
    const { activeTargets } = await prom.api<{ activeTargets: Target[] }>('targets')
    return activeTargets.find((x) => x.labels.job === 'wrong-token' && x.health !== 'unknown')
  })
  t.equal(wrong.health, 'down')
  t.match(wrong.lastError, '401')
  const { activeTargets } = await prom.api<{ activeTargets: Target[] }>('targets')
  t.equal(activeTargets.find((x) => x.labels.job === 'schema-sentinel')?.health, 'up', 'the right token scrapes fine')
  t.notMatch(svc.logs(), TOKEN)

  // The Grafana dashboard's queries run against the same Prometheus.
  const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as { panels: Array<{ title: string, targets?: Array<{ expr: string }> }> }
  for (const panel of dashboard.panels) {
    for (const { expr } of panel.targets ?? []) {
      const query = expr.replace(/\$__rate_interval/g, '1m').replace(/\$instance/g, '.*')
      // increase() needs two scrapes in its range; the others have data from the first.
      const result = await eventually(`data for panel "${panel.title}"`, async () => {
        const data = await prom.api<{ result: Sample[] }>(`query?query=${encodeURIComponent(query)}`)
        return data.result.length > 0 ? data.result : undefined
      }, 10_000)
      t.ok(result.length > 0, `dashboard panel "${panel.title}" has data`)
    }
  }
  const revisions = await prom.api<{ result: Sample[] }>(`query?query=${encodeURIComponent('schema_sentinel_alembic_revision_info')}`)
  t.match(revisions.result, [{ metric: { source: 'database', revision: REVISION } }], 'the stamped revision is a label')
  const statusPanel = dashboard.panels.find((p) => p.title === 'Status per check')!
  const statuses = await prom.api<{ result: Sample[] }>(`query?query=${encodeURIComponent(statusPanel.targets![0]!.expr.replace(/\$instance/g, '.*'))}`)
  t.same(Object.fromEntries(statuses.result.map((r) => [r.metric.check, r.value[1]])),
    { 'postgres:connectivity': '0', 'alembic:revision': '0', 'schema:drift': '2', 'security:exposure': '0' }, 'status per check: 0 pass, 2 fail')
})
