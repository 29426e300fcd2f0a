// Adding a check is one file and one registry entry: a fixture check registered beside the
// built-in ones shows up in /health, /metrics (promtool-clean), the text output and the status
// page, with its own fields, lines, section and metric family, and no renderer knows its name.
import t from 'tap'
import { assertRegistry } from '../../src/checks/check.js'
import { CHECKS } from '../../src/checks/index.js'
import { RegistryError } from '../../src/errors.js'
import { assertFamilies } from '../../src/render/metrics.js'
import { renderText } from '../../src/render/text.js'
import { widgets } from '../fixtures/widgets-check.js'
import { startPostgres } from '../helpers/postgres.js'
import { PROMTOOL, promtoolCheckMetrics } from '../helpers/prometheus.js'
import { startTestService } from '../helpers/service.js'
import { missingTool } from '../helpers/system-tool.js'

const pg = await startPostgres()
t.teardown(() => pg.destroy())
await pg.query('CREATE TABLE gadgets (id integer); CREATE TABLE sprockets (id integer)')

const registry = [...CHECKS, widgets]

/** What `fn` throws: a RegistryError, whose fields the tests read. */
function thrown (fn: () => void): RegistryError | undefined {
  try {
    fn()
  } catch (err) {
    if (err instanceof RegistryError) return err
    throw err
  }
  return undefined
}

t.test('a registered fixture check in every output', async (t) => {
  const svc = await startTestService(t, { DATABASE_URL: pg.url(), CHECK_TIMEOUT_MS: '5000' }, {}, { checks: registry })
  const { body } = await svc.waitFor('/health', (r, b) => r.status === 200 && b.includes('fixture:widgets'))
  const json = JSON.parse(body)
  t.same(Object.keys(json.checks), ['postgres:connectivity', 'alembic:revision', 'schema:drift', 'security:exposure', 'fixture:widgets'], 'runs after the built-in checks, in registry order')
  t.match(json.checks['fixture:widgets'][0], {
    componentType: 'datastore', status: 'pass', observedValue: 2, observedUnit: 'tables', widgetTables: ['gadgets', 'sprockets']
  }, 'its own health fields beside the generic ones')

  const metrics = await (await svc.get('/metrics')).text()
  t.match(metrics, /^# TYPE schema_sentinel_fixture_widget_tables gauge$/m, 'its own metric family')
  t.match(metrics, /^schema_sentinel_fixture_widget_tables 2$/m)
  t.match(metrics, /^schema_sentinel_check_errors_total\{check="fixture:widgets"\} 0$/m, 'an error counter, from the registry')
  t.match(metrics, /^schema_sentinel_check_status\{check="fixture:widgets",status="pass"\} 1$/m)
  t.match(metrics, /^schema_sentinel_check_duration_seconds\{check="fixture:widgets"\} /m)
  if (missingTool(PROMTOOL, 'prometheus') === false) {
    const checked = await promtoolCheckMetrics(metrics)
    t.equal(checked.code, 0, checked.output)
    t.equal(checked.output.trim(), '', 'promtool: no lint findings')
  }

  const html = await (await svc.get('/')).text()
  t.match(html, '<tr data-check="fixture:widgets"><td><code>fixture:widgets</code></td>', 'a row in the table of checks')
  t.match(html, '<section id="widgets">', 'its own section')
  t.match(html, '<li>sprockets</li>')

  const text = renderText(svc.app.sentinel.latest()!, 'schema', registry)
  t.match(text, /^ {2}pass {2}fixture:widgets {8}2 widget tables$/m, 'its own line in the text output')
  t.match(text, /^ {8}widget gadgets$/m, 'and its own lines under it')
})

t.test('the registry refuses a name twice, a name that is not area:what, a metric family twice', async (t) => {
  t.match(thrown(() => assertRegistry([...CHECKS, CHECKS[0]!])), { check: 'postgres:connectivity', problem: 'registered_twice' })
  t.match(thrown(() => assertRegistry([{ ...widgets, name: 'Widgets' }])), { check: 'Widgets', problem: 'name_not_area_what' })
  t.doesNotThrow(() => assertRegistry(registry))
  const clash = { ...widgets, name: 'fixture:clash', metrics: () => [{ name: 'up', type: 'gauge' as const, help: 'x', samples: [] }] }
  t.match(thrown(() => assertFamilies([...registry, clash])), { check: 'fixture:clash', problem: 'metric_family_twice', family: 'up' })
  const twice = { ...widgets, name: 'fixture:again' }
  t.match(thrown(() => assertFamilies([...registry, twice])), { check: 'fixture:again', family: 'fixture_widget_tables' })
  t.doesNotThrow(() => assertFamilies(registry))
})
