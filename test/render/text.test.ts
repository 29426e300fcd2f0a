// The CLI's text output of security:exposure: its summary line and its findings by table.
import t from 'tap'
import { renderText } from '../../src/render/text.js'
import { connectivityPass, driftClean, exposureFailing, exposureNotChecked, report } from './reports.js'

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
  const oneRole = { ...exposureFailing, exposure: { ...exposureFailing.exposure!, roles: ['anon'], missingRoles: ['authenticated'] } }
  t.match(renderText(report([oneRole])), 'reachable by anon; role authenticated does not exist)')
})
