// schema:drift's own summary line (check) and status-page section: counts read as English.
import t from 'tap'
import { schemaDrift } from '../../src/checks/schema-drift.js'
import type { DriftFacts, Finding } from '../../src/schema/findings.js'

const missing: Finding = { kind: 'missing_column', severity: 'fail', table: 'public.pdfs', column: 'processing_started_at', message: 'public.pdfs.processing_started_at is expected but missing' }
const facts = (findings: Finding[], tablesCompared: number, columnsCompared: number): DriftFacts => ({ findings, tablesCompared, columnsCompared })

t.test('one of each is singular, in check text and on the status page', async (t) => {
  t.equal(schemaDrift.text!(facts([missing], 1, 1)).line, '1 finding (1 table, 1 column compared)')
  t.equal(schemaDrift.htmlSummary!(facts([missing], 1, 1)), '1 finding')
  t.match(schemaDrift.htmlSection!(facts([missing], 1, 1)), '<h2>Schema drift: 1 finding</h2>')
  t.match(schemaDrift.htmlSection!(facts([], 1, 1)), '1 table and 1 column compared.')
})

t.test('other counts are plural', async (t) => {
  t.equal(schemaDrift.text!(facts([], 2, 14)).line, '0 findings (2 tables, 14 columns compared)')
  t.equal(schemaDrift.htmlSummary!(facts([missing, missing], 0, 0)), '2 findings')
  t.match(schemaDrift.htmlSection!(facts([], 4, 17)), '4 tables and 17 columns compared.')
})
