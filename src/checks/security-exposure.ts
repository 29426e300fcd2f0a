// security:exposure: tables and views that Supabase's Data API roles (EXPOSED_ROLES) can reach
// in its schemas (EXPOSED_SCHEMAS) without row-level security guarding the rows. One query;
// the logic is in src/security/.
import { worst } from '../report.js'
import { evaluate } from '../security/evaluate.js'
import { EXPOSURE_SQL, type ExposureRow } from '../security/exposure-query.js'
import type { ExposureFacts } from '../security/findings.js'
import { notCheckedOutput } from '../security/present.js'
import type { Check, CheckOutcome } from './check.js'

const STATUS_OF = { fail: 'fail', warn: 'warn', info: 'pass' } as const

export const securityExposure: Check = {
  name: 'security:exposure',
  async run ({ db, config }) {
    const rows = await db.query<ExposureRow>(EXPOSURE_SQL, [config.exposedRoles, config.exposedSchemas])
    return exposureOutcome(evaluate(rows, config))
  }
}

/** Status is the worst severity (info never lowers it); output is the worst finding, and how many more. */
export function exposureOutcome (exposure: ExposureFacts): CheckOutcome {
  const base = { observedValue: exposure.findings.length, observedUnit: 'findings', exposure }
  if (exposure.state === 'not_checked') return { status: 'pass', ...base, output: notCheckedOutput(exposure) }
  const first = exposure.findings[0] // sorted worst first
  const more = exposure.findings.length - 1
  return {
    status: worst(exposure.findings.map((f) => STATUS_OF[f.severity])),
    ...base,
    ...(first !== undefined ? { output: more > 0 ? `${first.message} (and ${more} more)` : first.message } : {})
  }
}
