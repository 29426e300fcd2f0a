// The Report's pure readings: the one-line summary that health bodies and the status page show.
import t from 'tap'
import { summary, type CheckResult, type Report } from '../src/report.js'
import { UNREACHABLE_OUTPUT } from '../src/round.js'

const result = (name: string, status: CheckResult['status'], output?: string, strictStatus = status): CheckResult =>
  ({ name, status, strictStatus, errored: false, durationMs: 1, time: '2026-11-28T08:00:00.000Z', ...(output !== undefined ? { output } : {}) })
const report = (checks: CheckResult[]): Report => ({ version: '9.9.9', startedAt: 0, finishedAt: 1, up: true, checks, errorsTotal: {} })

t.test('an unreachable database is said once, not once per skipped check', async (t) => {
  const down = report([
    result('postgres:connectivity', 'fail', 'connection refused (ECONNREFUSED)'),
    result('alembic:revision', 'fail', UNREACHABLE_OUTPUT),
    result('schema:drift', 'fail', UNREACHABLE_OUTPUT),
    result('security:exposure', 'fail', UNREACHABLE_OUTPUT)
  ])
  t.equal(summary(down, 'health'), `connection refused (ECONNREFUSED); ${UNREACHABLE_OUTPUT}`)
  t.equal(summary(down, 'schema'), `connection refused (ECONNREFUSED); ${UNREACHABLE_OUTPUT}`)
})

t.test('the checks at the worst status speak, in order; a passing report has no summary', async (t) => {
  const mixed = report([
    result('postgres:connectivity', 'pass'),
    result('alembic:revision', 'warn', 'database is behind', 'fail'),
    result('schema:drift', 'fail', 'public.pdfs.processing_started_at is expected but missing')
  ])
  t.equal(summary(mixed, 'health'), 'public.pdfs.processing_started_at is expected but missing')
  t.equal(summary(mixed, 'schema'), 'database is behind; public.pdfs.processing_started_at is expected but missing')
  t.equal(summary(report([result('postgres:connectivity', 'pass')]), 'health'), undefined)
  t.equal(summary(report([result('schema:drift', 'warn')]), 'health'), 'warn', 'no output: the status itself')
})
