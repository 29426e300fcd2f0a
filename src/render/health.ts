// Report -> application/health+json (draft-inadarei-api-health-check). Pure. The round-level
// parts are here; each check's own fields come from its module (Presentation.health).
import { CHECKS } from '../checks/index.js'
import type { Registry } from '../checks/check.js'
import { checkStatus, overallStatus, summary, type CheckResult, type ExpectationInForce, type Report, type Status, type View } from '../report.js'

export const HEALTH_CONTENT_TYPE = 'application/health+json; charset=utf-8'
export const NO_ROUND_OUTPUT = 'no check round has finished yet'
export const SHUTTING_DOWN_OUTPUT = 'shutting down'

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
  expectation?: { source: ExpectationInForce['source'], release?: string, since: string }
}

/** Which expectation the round checked against, as bodies show it. */
export function expectationBody (e: ExpectationInForce): NonNullable<HealthBody['expectation']> {
  return { source: e.source, ...(e.release !== undefined ? { release: e.release } : {}), since: new Date(e.since).toISOString() }
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
  const why = shuttingDown ? SHUTTING_DOWN_OUTPUT : report === undefined ? NO_ROUND_OUTPUT : undefined
  if (why === undefined) return { statusCode: 200, body: base('pass', info) }
  return { statusCode: 503, body: details ? { ...base('fail', info), output: why } : base('fail', info) }
}

export function renderHealth (report: Report | undefined, view: View, details: boolean, info: HealthInfo, checks: Registry = CHECKS): Rendered {
  if (report === undefined) {
    const body = base('fail', info)
    if (details) body.output = NO_ROUND_OUTPUT
    return { statusCode: 503, body }
  }
  const status = overallStatus(report, view)
  const body = base(status, info)
  if (details) {
    body.checks = Object.fromEntries(report.checks.map((c) => [c.name, [renderCheck(c, view, checks)]]))
    const output = summary(report, view)
    if (output !== undefined) body.output = output
    if (report.expectation !== undefined) body.expectation = expectationBody(report.expectation)
  }
  return { statusCode: status === 'fail' ? 503 : 200, body }
}

export function renderCheck (result: CheckResult, view: View, checks: Registry = CHECKS): Record<string, unknown> {
  const own = result.facts === undefined ? undefined : checks.find((c) => c.name === result.name)?.health?.(result.facts, view)
  return {
    componentType: 'datastore',
    status: checkStatus(result, view),
    ...(result.observedValue !== undefined ? { observedValue: result.observedValue } : {}),
    ...(result.observedUnit !== undefined ? { observedUnit: result.observedUnit } : {}),
    ...own,
    time: result.time,
    ...(result.output !== undefined ? { output: result.output } : {})
  }
}
