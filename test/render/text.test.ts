// The CLI's text output: names and revisions from the database cannot forge lines or send
// terminal control sequences.
import t from 'tap'
import { renderText } from '../../src/render/text.js'
import type { AlembicFacts } from '../../src/checks/alembic-facts.js'
import type { DriftFacts, Finding } from '../../src/schema/findings.js'
import type { ExposureFacts } from '../../src/security/findings.js'
import { alembicBehind, connectivityPass, driftClean, driftMissing, exposureFailing, exposureNotChecked, report } from './reports.js'

const FORGED = 'x\n  pass  schema:drift           0 findings'
const TITLE = 'evil\u001b]0;pwned\u0007\u001b[2J'

t.test('hostile table, column and revision names are escaped', async (t) => {
  const finding = (table: string, column: string): Finding =>
    ({ kind: 'missing_column', severity: 'fail', table, column, message: `${table}.${column} is expected but missing` })
  const render = (revision: string, table: string, column: string) => renderText(report([
    connectivityPass,
    { ...alembicBehind, facts: { ...(alembicBehind.facts as AlembicFacts), database: [revision] } },
    { ...driftMissing, facts: { ...(driftMissing.facts as DriftFacts), findings: [finding(`public.${table}`, 'ok'), finding('public.pdfs', column)] } }
  ]))
  const text = render(`c1\u001b[31m${FORGED}`, TITLE, FORGED)
  const benign = render('c1', 'title', 'column')
  t.notMatch(text, /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/, 'no control character but the line ends')
  const lines = text.split('\n')
  t.equal(lines.filter((l) => /^\s+pass\s+schema:drift/.test(l)).length, 0, 'no forged result line')
  t.equal(lines.length, benign.split('\n').length, 'as many lines as with plain names')
  t.match(text, 'public.evil\\e]0;pwned\\u0007\\e[2J')
  t.match(text, 'c1\\e[31mx\\n  pass  schema:drift')
})

t.test('exposure findings under their tables, worst first', async (t) => {
  const text = renderText(report([connectivityPass, driftClean, exposureFailing]), 'schema')
  const lines = text.split('\n')
  t.equal(lines[0], 'schema-sentinel 0.1.0: FAIL')
  t.equal(lines[3], '  fail  security:exposure      3 findings (7 relations in public reachable by anon, authenticated)')
  t.same(lines.slice(4, 10), [
    '        public.lab_reports',
    '          fail  exposed_without_rls   public.lab_reports has row-level security off and anon (select) can reach it through the Data API',
    '        public.report_summary',
    "          warn  exposed_definer_view  view public.report_summary runs with its owner's rights (no security_invoker): anon (select) reads past the row-level security of the tables under it",
    '        public.drafts',
    '          info  rls_without_policy    public.drafts has row-level security on but no policy: authenticated see no rows'
  ])
})

t.test('not_checked and a missing role are said in the summary line', async (t) => {
  t.match(renderText(report([exposureNotChecked])), /pass {2}security:exposure {6}not_checked: none of the roles anon, authenticated exists/)
  const oneRole = { ...exposureFailing, facts: { ...(exposureFailing.facts as ExposureFacts), roles: ['anon'], missingRoles: ['authenticated'] } }
  t.match(renderText(report([oneRole])), 'reachable by anon; role authenticated does not exist)')
})
