// Hand-built Reports for the pure renderer tests.
import { deepFreeze, type CheckResult, type Report } from '../../src/report.js'

const time = '2026-11-24T10:00:00.000Z'
export const connectivityPass: CheckResult = { name: 'postgres:connectivity', status: 'pass', strictStatus: 'pass', observedValue: 2.1, observedUnit: 'ms', errored: false, durationMs: 2.5, time }
export const alembicBehind: CheckResult = {
  name: 'alembic:revision', status: 'warn', strictStatus: 'fail', errored: false, durationMs: 1.25, time,
  output: 'database is behind: 2 revisions to apply',
  facts: { state: 'behind', database: ['c1d2e3f4g5h6'], expected: ['fix_biomarkers_sequence'], expectedSource: 'ALEMBIC_VERSIONS_DIR', pending: 2, tableExists: true }
}
export const driftMissing: CheckResult = {
  name: 'schema:drift', status: 'fail', strictStatus: 'fail', errored: false, durationMs: 10, time,
  observedValue: 1, observedUnit: 'findings', output: 'public.pdfs.processing_started_at is expected but missing',
  facts: {
    tablesCompared: 3,
    columnsCompared: 20,
    findings: [{ kind: 'missing_column', severity: 'fail', table: 'public.pdfs', column: 'processing_started_at', expected: { type: 'timestamp without time zone', nullable: true }, message: 'public.pdfs.processing_started_at is expected but missing' }]
  }
}
export const driftClean: CheckResult = { ...driftMissing, status: 'pass', strictStatus: 'pass', observedValue: 0, output: undefined, facts: { tablesCompared: 3, columnsCompared: 20, findings: [] } }

export function report (checks: CheckResult[], extra: Partial<Report> = {}): Report {
  return deepFreeze({ version: '0.1.0', releaseId: '3f2c1e9', startedAt: 1_700_000_000_000, finishedAt: 1_700_000_000_500, up: true, checks, errorsTotal: {}, ...extra })
}

export const exposureFailing: CheckResult = {
  name: 'security:exposure', status: 'fail', strictStatus: 'fail', errored: false, durationMs: 3, time,
  observedValue: 3, observedUnit: 'findings',
  output: 'public.lab_reports has row-level security off and anon (select) can reach it through the Data API (and 2 more)',
  facts: {
    state: 'checked', roles: ['anon', 'authenticated'], missingRoles: [], schemas: ['public'], reachable: 7,
    findings: [
      { kind: 'exposed_without_rls', severity: 'fail', table: 'public.lab_reports', relation: 'table', grants: { anon: ['select'] }, message: 'public.lab_reports has row-level security off and anon (select) can reach it through the Data API' },
      { kind: 'exposed_definer_view', severity: 'warn', table: 'public.report_summary', relation: 'view', grants: { anon: ['select'] }, message: "view public.report_summary runs with its owner's rights (no security_invoker): anon (select) reads past the row-level security of the tables under it" },
      { kind: 'rls_without_policy', severity: 'info', table: 'public.drafts', relation: 'table', grants: { authenticated: ['select', 'insert'] }, message: 'public.drafts has row-level security on but no policy: authenticated see no rows' }
    ]
  }
}
export const exposureNotChecked: CheckResult = {
  name: 'security:exposure', status: 'pass', strictStatus: 'pass', errored: false, durationMs: 1, time,
  observedValue: 0, observedUnit: 'findings',
  output: 'not_checked: none of the roles anon, authenticated exists (EXPOSED_ROLES; a plain PostgreSQL has no Data API)',
  facts: { state: 'not_checked', roles: [], missingRoles: ['anon', 'authenticated'], schemas: ['public'], reachable: 0, findings: [] }
}
