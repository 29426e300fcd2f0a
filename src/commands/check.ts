// `check`: one round, read strictly like /health/schema. Exit 0 pass/warn, 1 mismatch, 2 could not check.
import { describeWarning } from '../alembic/warnings.js'
import { CHECKS, prepareChecks } from '../checks/index.js'
import type { DatabaseConfig } from '../config.js'
import { loadExpectation } from '../expectation.js'
import { checkSchemasExist } from './missing-schemas.js'
import { createPool } from '../postgres/pool.js'
import { renderHealth } from '../render/health.js'
import { renderText } from '../render/text.js'
import { overallStatus, type Report } from '../report.js'
import { runRound } from '../round.js'
import { VERSION } from '../version.js'

export type CheckFormat = 'text' | 'json'

export interface CheckRun {
  readonly report: Report
  readonly exitCode: 0 | 1 | 2
  readonly stdout: string
  /** One line for stderr when the database could not be checked. */
  readonly problem?: string
  /** Lines for stderr from reading the Alembic version locations (they are in the details too). */
  readonly warnings: readonly string[]
  /** One line for stderr that does not change the exit code (a schema that does not exist). */
  readonly warning?: string
}

export async function runCheck (config: DatabaseConfig, format: CheckFormat): Promise<CheckRun> {
  const expectation = await loadExpectation(config)
  const warnings = (expectation.versions?.warnings ?? []).map((w) => `warning: ${describeWarning(w)}`)
  // The baked-in files are in force from the moment this one round reads them, as in `serve`.
  const inForce = { source: 'file' as const, since: Date.now() }
  const pool = createPool(config)
  let report: Report
  let warning: string | undefined
  try {
    report = await runRound({ pool, checks: prepareChecks(CHECKS, config, expectation), config, version: VERSION, expectation: inForce })
    if (report.up) warning = await checkSchemasExist(pool, config.schemas, config.checkTimeoutMs)
  } finally {
    await pool.end().catch(() => undefined)
  }
  const stdout = format === 'json'
    ? JSON.stringify(renderHealth(report, 'schema', true, { version: VERSION, releaseId: config.releaseId }).body, null, 2) + '\n'
    : renderText(report, 'schema')
  const errored = report.checks.find((c) => c.errored)
  if (errored !== undefined) {
    const what = report.up ? `${errored.name} could not run` : 'cannot reach the database'
    return { report, exitCode: 2, stdout, problem: `${what}: ${errored.output ?? 'error'}`, warnings, ...(warning !== undefined ? { warning } : {}) }
  }
  return { report, exitCode: overallStatus(report, 'schema') === 'fail' ? 1 : 0, stdout, warnings, ...(warning !== undefined ? { warning } : {}) }
}
