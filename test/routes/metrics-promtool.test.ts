// The live /metrics body (own metrics and process metrics) passes `promtool check metrics`.
import t from 'tap'
import { startPostgres } from '../helpers/postgres.js'
import { PROMTOOL, promtoolCheckMetrics as checkMetrics } from '../helpers/prometheus.js'
import { startTestService } from '../helpers/service.js'
import { missingTool } from '../helpers/system-tool.js'

const skip = missingTool(PROMTOOL, 'prometheus')

t.test('promtool check metrics accepts the live /metrics body', { skip }, async (t) => {
  const pg = await startPostgres()
  t.teardown(() => pg.destroy())
  const token = 'metrics-token-for-promtool'
  const svc = await startTestService(t, { DATABASE_URL: pg.url(), METRICS_TOKEN: token })
  const auth = { headers: { authorization: `Bearer ${token}` } }
  const { body } = await svc.waitFor('/metrics', (r, b) => r.status === 200 && /^schema_sentinel_up 1$/m.test(b), 10_000, auth)
  t.match(body, /^schema_sentinel_process_cpu_seconds_total /m, 'process metrics are part of the body')

  const checked = await checkMetrics(body)
  t.equal(checked.code, 0, checked.output)
  t.equal(checked.output.trim(), '', 'no lint findings')

  // The same check rejects what prom-client would add by default: a gauge named *_total.
  const bad = body + '# HELP schema_sentinel_nodejs_active_handles_total Number of handles.\n# TYPE schema_sentinel_nodejs_active_handles_total gauge\nschema_sentinel_nodejs_active_handles_total 3\n'
  const rejected = await checkMetrics(bad)
  t.not(rejected.code, 0, 'promtool rejects a *_total gauge')
  t.match(rejected.output, 'schema_sentinel_nodejs_active_handles_total')
})
