// The rows of the exposure query -> findings: a table of cases for the pure logic (the query
// itself is tested against a real PostgreSQL in test/checks/security-exposure.test.ts).
import t from 'tap'
import { exposureOutcome } from '../../src/checks/security-exposure.js'
import { evaluate, parseBool, securityInvoker } from '../../src/security/evaluate.js'
import type { ExposureRow } from '../../src/security/exposure-query.js'
import { exposureSamples, exposureSummary } from '../../src/security/present.js'

const OPTS = { exposedRoles: ['anon', 'authenticated'], exposedSchemas: ['public'] }
const ROLES = ['anon', 'authenticated']

function row (over: Partial<ExposureRow>): ExposureRow {
  return {
    roles: ROLES, schema: 'public', name: 't', kind: 'r', rls: false, force_rls: false, options: null,
    has_policy: false, extension_member: false, grants: { anon: ['select'] }, ...over
  }
}
const NOTHING: ExposureRow = { ...row({}), schema: null, name: null, kind: null, rls: null, force_rls: null, options: null, has_policy: null, extension_member: null, grants: null }

t.test('no exposed role: not_checked, with the roles it looked for', async (t) => {
  const facts = evaluate([{ ...NOTHING, roles: null }], OPTS)
  t.equal(facts.state, 'not_checked')
  t.same(facts.missingRoles, ROLES)
  const outcome = exposureOutcome(facts)
  t.equal(outcome.status, 'pass')
  t.match(outcome.output, /^not_checked: none of the roles anon, authenticated exists \(EXPOSED_ROLES/)
})

t.test('roles exist, nothing reachable: checked, no findings, no output', async (t) => {
  const facts = evaluate([NOTHING], OPTS)
  t.same([facts.state, facts.reachable, facts.findings], ['checked', 0, []])
  const outcome = exposureOutcome(facts)
  t.same([outcome.status, outcome.output, outcome.observedValue], ['pass', undefined, 0])
})

const CASES: Array<[string, Partial<ExposureRow>, string | undefined]> = [
  ['table, RLS off', {}, 'fail exposed_without_rls table'],
  ['partitioned table, RLS off', { kind: 'p' }, 'fail exposed_without_rls partitioned table'],
  ['table, RLS on and a policy', { rls: true, has_policy: true }, undefined],
  ['table, RLS on, no policy', { rls: true }, 'info rls_without_policy table'],
  ['extension table, RLS on, no policy', { rls: true, extension_member: true }, undefined],
  ['extension table, RLS off', { extension_member: true }, 'fail exposed_without_rls table'],
  ['view without options', { kind: 'v' }, 'warn exposed_definer_view view'],
  ['view, security_invoker=on', { kind: 'v', options: ['security_barrier=true', 'security_invoker=on'] }, undefined],
  ['view, security_invoker=false', { kind: 'v', options: ['security_invoker=false'] }, 'warn exposed_definer_view view'],
  ['extension view', { kind: 'v', extension_member: true }, undefined],
  ['view: RLS columns do not matter', { kind: 'v', rls: true, has_policy: true }, 'warn exposed_definer_view view'],
  ['no privileges left', { grants: { anon: [] } }, undefined],
  ['unknown relkind', { kind: 'm' }, undefined]
]

for (const [label, over, want] of CASES) {
  t.test(label, async (t) => {
    const [f] = evaluate([row(over)], OPTS).findings
    t.equal(f === undefined ? undefined : `${f.severity} ${f.kind} ${f.relation}`, want)
  })
}

t.test('findings: worst first, then by name; grants ordered; messages name table, roles and privileges', async (t) => {
  const facts = evaluate([
    row({ name: 'b_drafts', rls: true, grants: { authenticated: ['select'] } }),
    row({ name: 'a_view', kind: 'v', grants: { anon: ['select'] } }),
    row({ name: 'z_reports', grants: { authenticated: ['delete', 'select'], anon: ['select', 'bogus'] } }),
    row({ name: 'c_events', kind: 'p' }),
    row({ name: 'guarded', rls: true, has_policy: true })
  ], OPTS)
  t.same(facts.findings.map((f) => `${f.severity} ${f.table}`), ['fail public.c_events', 'fail public.z_reports', 'warn public.a_view', 'info public.b_drafts'])
  t.equal(facts.reachable, 5)
  const reports = facts.findings[1]!
  t.same(reports.grants, { anon: ['select'], authenticated: ['select', 'delete'] })
  t.equal(reports.message, 'public.z_reports has row-level security off and anon (select), authenticated (select, delete) can reach it through the Data API')
  t.equal(facts.findings[0]!.message, 'partitioned table public.c_events has row-level security off and anon (select) can reach it through the Data API')
  t.match(facts.findings[2]!.message, /^view public\.a_view runs with its owner's rights \(no security_invoker\): anon \(select\) reads past/)
  t.equal(facts.findings[3]!.message, 'public.b_drafts has row-level security on but no policy: authenticated see no rows')
  const outcome = exposureOutcome(facts)
  t.equal(outcome.status, 'fail')
  t.equal(outcome.output, `${facts.findings[0]!.message} (and 3 more)`, 'the worst finding, and how many more')
})

t.test('status: info alone passes, a definer view warns', async (t) => {
  t.equal(exposureOutcome(evaluate([row({ rls: true })], OPTS)).status, 'pass')
  t.equal(exposureOutcome(evaluate([row({ kind: 'v' })], OPTS)).status, 'warn')
})

t.test('one configured role missing: checked with the other, and said so', async (t) => {
  const facts = evaluate([row({ roles: ['anon'] })], OPTS)
  t.same([facts.state, facts.roles, facts.missingRoles], ['checked', ['anon'], ['authenticated']])
})

t.test("security_invoker is read as PostgreSQL's parse_bool reads it", async (t) => {
  const yes = ['true', 'TRUE', 't', 'tr', 'yes', 'y', 'on', 'ON', '1']
  const no = ['false', 'f', 'no', 'n', 'off', 'of', '0', '', 'o', 'maybe', '2']
  for (const v of yes) t.equal(parseBool(v), true, v)
  for (const v of no) t.not(parseBool(v), true, v)
  t.ok(securityInvoker(['security_invoker=yes']))
  t.ok(securityInvoker(['Security_Invoker=1']))
  t.notOk(securityInvoker(['security_invoker=on', 'security_invoker=off']), 'the last one counts')
  t.notOk(securityInvoker(['security_barrier=true']))
  t.notOk(securityInvoker(null))
})

t.test('metric samples: every kind and severity, 0 when none', async (t) => {
  const samples = exposureSamples(evaluate([row({}), row({ name: 'u' }), row({ kind: 'v' })], OPTS).findings)
  t.equal(samples.length, 9)
  const value = (kind: string, severity: string) => samples.find((s) => s.labels.kind === kind && s.labels.severity === severity)?.value
  t.equal(value('exposed_without_rls', 'fail'), 2)
  t.equal(value('exposed_definer_view', 'warn'), 1)
  t.equal(value('rls_without_policy', 'info'), 0)
  t.equal(value('exposed_without_rls', 'warn'), 0)
})

t.test('the summary counts relations in the singular and the plural', async (t) => {
  const facts = { state: 'checked', roles: ['anon'], missingRoles: ['authenticated'], schemas: ['public'], findings: [] } as const
  t.equal(exposureSummary({ ...facts, reachable: 1 }), '0 findings (1 relation in public reachable by anon; role authenticated does not exist)')
  t.equal(exposureSummary({ ...facts, reachable: 2 }), '0 findings (2 relations in public reachable by anon; role authenticated does not exist)')
})
