// The alert rules pass `promtool check rules` and their own `promtool test rules` cases,
// every alert has a firing and a quiet case, and a broken copy is caught.
import { execFile } from 'node:child_process'
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import YAML from 'yaml'
import { missingTool } from '../helpers/system-tool.js'

const PROMTOOL = '/usr/bin/promtool'
const DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'deploy', 'prometheus')
const RULES = join(DIR, 'alerts.yml')
const TESTS = join(DIR, 'alerts.test.yml')
const README_ANCHORS = ['#alembic-migration-state', '#schema-drift', '#keys-constraints-indexes-and-enums', '#supabase-exposure', '#prometheus']

interface Rule { alert: string, expr: string, for?: string, labels?: Record<string, string>, annotations?: Record<string, string> }
interface AlertTest { alertname: string, exp_alerts?: unknown[] }

function promtool (args: string[], cwd = DIR): Promise<{ code: number, output: string }> {
  return new Promise((resolve) => {
    execFile(PROMTOOL, args, { cwd, timeout: 30_000 }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof err.code === 'number' ? err.code : 1
      resolve({ code, output: stdout + stderr })
    })
  })
}

const rules = (YAML.parse(readFileSync(RULES, 'utf8')) as { groups: Array<{ rules: Rule[] }> }).groups.flatMap((g) => g.rules)
const skip = missingTool(PROMTOOL, 'prometheus')

t.test('every alert has severity, summary, description and a README runbook_url', async (t) => {
  t.ok(rules.length >= 8, 'all alerts are there')
  for (const rule of rules) {
    t.match(rule.labels?.severity, /^(critical|warning)$/, `${rule.alert} severity`)
    t.ok(rule.annotations?.summary, `${rule.alert} summary`)
    t.ok(rule.annotations?.description, `${rule.alert} description`)
    const url = rule.annotations?.runbook_url ?? ''
    t.ok(url.startsWith('https://github.com/schema-sentinel/schema-sentinel#') && README_ANCHORS.some((a) => url.endsWith(a)), `${rule.alert} runbook_url ${url}`)
  }
  const notCurrent = rules.find((r) => r.alert === 'SchemaSentinelMigrationNotCurrent')
  t.equal(notCurrent?.for, '15m')
  t.equal(notCurrent?.labels?.severity, 'warning')
  const exposed = rules.find((r) => r.alert === 'SchemaSentinelTableExposed')
  t.equal(exposed?.labels?.severity, 'critical', 'an exposed table is critical')
  t.match(exposed?.expr, 'kind="exposed_without_rls"')
})

t.test('alerts.test.yml has a firing and a quiet case for every alert', async (t) => {
  const suite = YAML.parse(readFileSync(TESTS, 'utf8')) as { tests: Array<{ alert_rule_test?: AlertTest[] }> }
  const cases = suite.tests.flatMap((x) => x.alert_rule_test ?? [])
  for (const rule of rules) {
    const mine = cases.filter((c) => c.alertname === rule.alert)
    t.ok(mine.some((c) => (c.exp_alerts?.length ?? 0) > 0), `${rule.alert} fires in a case`)
    t.ok(mine.some((c) => (c.exp_alerts?.length ?? 0) === 0), `${rule.alert} stays quiet in a case`)
  }
})

t.test('promtool check rules and test rules pass', { skip }, async (t) => {
  const check = await promtool(['check', 'rules', RULES])
  t.equal(check.code, 0, check.output)
  t.match(check.output, `SUCCESS: ${rules.length} rules found`)
  const tested = await promtool(['test', 'rules', TESTS])
  t.equal(tested.code, 0, tested.output)
  t.match(tested.output, 'SUCCESS')
})

t.test('a broken copy of the rules fails', { skip }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'sentinel-alerts-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  copyFileSync(TESTS, join(dir, 'alerts.test.yml'))
  const source = readFileSync(RULES, 'utf8')

  // Wrong logic: the missing-column alert now needs 5 findings, so its firing case fails.
  const wrong = source.replace('kind="missing_column"}) > 0', 'kind="missing_column"}) > 5')
  t.not(wrong, source)
  writeFileSync(join(dir, 'alerts.yml'), wrong)
  t.equal((await promtool(['check', 'rules', 'alerts.yml'], dir)).code, 0, 'still valid rules')
  const tested = await promtool(['test', 'rules', 'alerts.test.yml'], dir)
  t.not(tested.code, 0)
  t.match(tested.output, 'SchemaSentinelColumnMissing')

  // Wrong kind: the exposure alert now watches definer views, so its firing case fails.
  const wrongKind = source.replace('kind="exposed_without_rls"}) > 0', 'kind="exposed_definer_view"}) > 0')
  t.not(wrongKind, source)
  writeFileSync(join(dir, 'alerts.yml'), wrongKind)
  const retested = await promtool(['test', 'rules', 'alerts.test.yml'], dir)
  t.not(retested.code, 0)
  t.match(retested.output, 'SchemaSentinelTableExposed')

  // Invalid PromQL: check rules rejects it.
  writeFileSync(join(dir, 'alerts.yml'), source.replace('schema_sentinel_up{job="schema-sentinel"} == 0', 'schema_sentinel_up{job= == 0'))
  const checked = await promtool(['check', 'rules', 'alerts.yml'], dir)
  t.not(checked.code, 0)
  t.match(checked.output, /FAILED|error/i)
})
