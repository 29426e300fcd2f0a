// The CLI's text output: names and revisions from the database cannot forge lines or send
// terminal control sequences.
import t from 'tap'
import { renderText } from '../../src/render/text.js'
import type { AlembicFacts } from '../../src/checks/alembic-facts.js'
import type { DriftFacts, Finding } from '../../src/schema/findings.js'
import { alembicBehind, connectivityPass, driftMissing, report } from './reports.js'

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
