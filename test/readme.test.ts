// The README is for users: keep its names true to the code.
import { readFileSync } from 'node:fs'
import t from 'tap'
import { parse } from 'yaml'
import { renderMetrics } from '../src/render/metrics.js'

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8')
const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'))

t.test('the two fresh-machine commands are there and exist as scripts', async (t) => {
  t.match(readme, 'npm ci && npm run demo')
  t.match(readme, 'npm ci && npm test')
  for (const script of ['demo', 'test', 'start', 'build', 'bench']) t.ok(pkg.scripts[script], `npm run ${script} exists`)
})

t.test('every metric the service exposes is documented', async (t) => {
  const names = new Set([...renderMetrics(undefined, '0').matchAll(/^# TYPE (\S+)/gm)].map((m) => m[1]!))
  t.equal(names.size, 13)
  for (const name of names) t.match(readme, `\`${name}\``, name)
})

t.test('every configuration variable is documented', async (t) => {
  const source = readFileSync(new URL('../src/config.ts', import.meta.url), 'utf8')
  const block = source.slice(source.indexOf('const SCHEMA = {'), source.indexOf('} as const'))
  const variables = [...block.matchAll(/^\s{4}([A-Z_]+):/gm)].map((m) => m[1]!)
  t.ok(variables.length >= 15)
  for (const v of variables) t.match(readme, `\`${v}\``, v)
})

t.test('every alert rule is named in the README', async (t) => {
  const rules = parse(readFileSync(new URL('../deploy/prometheus/alerts.yml', import.meta.url), 'utf8'))
  const alerts = rules.groups.flatMap((g: { rules: Array<{ alert: string }> }) => g.rules.map((r) => r.alert))
  t.ok(alerts.length >= 6)
  for (const alert of alerts) t.match(readme, alert, alert)
})

t.test('every drift finding kind is documented with its default severity', async (t) => {
  const { DRIFT_SEVERITY } = await import('../src/schema/findings.js')
  for (const [kind, severity] of Object.entries(DRIFT_SEVERITY)) {
    t.match(readme, new RegExp(`\\|[^\\n]*\`${kind}\`[^\\n]*\\| ${severity} \\|`), `${kind} (${severity})`)
  }
})
