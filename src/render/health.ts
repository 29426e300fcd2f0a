// Report -> application/health+json (draft-inadarei-api-health-check). Pure.
import { checkStatus, overallStatus, summary, type CheckResult, type Report, type Status, type View } from '../report.js'

export const HEALTH_CONTENT_TYPE = 'application/health+json; charset=utf-8'
export const NO_ROUND_OUTPUT = 'no check round has finished yet'

export interface HealthInfo {
  readonly version: string
  readonly releaseId?: string
}

export interface HealthBody {
  status: Status
  version: string
  releaseId?: string
  checks?: Record<string, Array<Record<string, unknown>>>
  output?: string
}

export interface Rendered {
  readonly statusCode: 200 | 503
  readonly body: HealthBody
}

/** The body everyone may see: status, version, releaseId. */
function base (status: Status, info: HealthInfo): HealthBody {
  return { status, version: info.version, ...(info.releaseId !== undefined ? { releaseId: info.releaseId } : {}) }
}

/** /health/live: the process answers. */
export function renderLive (info: HealthInfo): Rendered {
  return { statusCode: 200, body: base('pass', info) }
}

/** /health/ready: a first round has finished and we are not shutting down; the reason is a detail. */
export function renderReady (report: Report | undefined, shuttingDown: boolean, details: boolean, info: HealthInfo): Rendered {
  const why = shuttingDown ? 'shutting down' : report === undefined ? NO_ROUND_OUTPUT : undefined
  if (why === undefined) return { statusCode: 200, body: base('pass', info) }
  return { statusCode: 503, body: details ? { ...base('fail', info), output: why } : base('fail', info) }
}

export function renderHealth (report: Report | undefined, view: View, details: boolean, info: HealthInfo): Rendered {
  if (report === undefined) {
    const body = base('fail', info)
    if (details) body.output = NO_ROUND_OUTPUT
    return { statusCode: 503, body }
  }
  const status = overallStatus(report, view)
  const body = base(status, info)
  if (details) {
    body.checks = Object.fromEntries(report.checks.map((c) => [c.name, [renderCheck(c, view)]]))
    const output = summary(report, view)
    if (output !== undefined) body.output = output
  }
  return { statusCode: status === 'fail' ? 503 : 200, body }
}

export function renderCheck (check: CheckResult, view: View): Record<string, unknown> {
  const out: Record<string, unknown> = { componentType: 'datastore', status: checkStatus(check, view) }
  const a = check.alembic
  if (a !== undefined) {
    out.state = a.state
    out.observedValue = a.database
    out.expected = a.expected
    if (a.expectedSource !== undefined) out.expectedSource = a.expectedSource
    if (a.pending !== undefined) out.pending = a.pending
    if (a.multipleHeads === true) out.multipleHeads = true
  }
  if (check.observedValue !== undefined) out.observedValue = check.observedValue
  if (check.observedUnit !== undefined) out.observedUnit = check.observedUnit
  out.time = check.time
  if (check.drift !== undefined) out.findings = check.drift.findings
  if (check.exposure !== undefined) out.findings = check.exposure.findings
  if (check.output !== undefined) out.output = check.output
  return out
}
