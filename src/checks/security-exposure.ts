// security:exposure: tables and views that Supabase's Data API roles (EXPOSED_ROLES) can reach
// in its schemas (EXPOSED_SCHEMAS) without row-level security guarding the rows. One query;
// the logic and the presentation's pieces are in src/security/.
import { badge, esc } from '../render/html-escape.js'
import { worst } from '../report.js'
import { VERIFY_EVERY_MS } from '../schema/drift-memo.js'
import { readFingerprint } from '../schema/fingerprint.js'
import { evaluate } from '../security/evaluate.js'
import { EXPOSURE_FINGERPRINT_SQL } from '../security/exposure-fingerprint.js'
import { EXPOSURE_SQL, type ExposureRow } from '../security/exposure-query.js'
import type { ExposureFacts } from '../security/findings.js'
import { exposureHtml, exposureSamples, exposureSummary, notCheckedOutput } from '../security/present.js'
import type { Check, CheckOutcome, CheckRun } from './check.js'

const STATUS_OF = { fail: 'fail', warn: 'warn', info: 'pass' } as const

export const securityExposure: Check<ExposureFacts, 'security:exposure'> = {
  name: 'security:exposure',
  prepare (config): CheckRun<ExposureFacts> {
    const opts = { exposedRoles: config.exposedRoles, exposedSchemas: config.exposedSchemas }
    // The last outcome and the fingerprint it was read under (one per prepare): a round whose
    // fingerprint is the same sends nothing else, re-reading anyway every VERIFY_EVERY_MS.
    let last: { readonly fingerprint: string, readonly outcome: CheckOutcome<ExposureFacts>, readonly readAt: number } | undefined
    return {
      async run ({ db }) {
        const fingerprint = await readFingerprint(db, EXPOSURE_FINGERPRINT_SQL) // first, in the round's snapshot
        const now = Date.now()
        if (last !== undefined && last.fingerprint === fingerprint && now - last.readAt < VERIFY_EVERY_MS) return last.outcome
        const rows = await db.query<ExposureRow>(EXPOSURE_SQL, [opts.exposedRoles, opts.exposedSchemas])
        const outcome = exposureOutcome(evaluate(rows, opts))
        last = { fingerprint, outcome, readAt: now }
        return outcome
      }
    }
  },

  health: (e) => ({ findings: e.findings }),

  text: (e) => ({
    line: exposureSummary(e),
    more: [...byTable(e.findings)].flatMap(([table, group]) => [
      table,
      ...group.map((f) => `  ${f.severity.padEnd(4)}  ${f.kind.padEnd(20)}  ${f.message}`)
    ])
  }),

  htmlSummary: (e) => exposureSummary(e),

  htmlSection: (e) => exposureHtml(e, { esc, badge }),
  // A table anyone with the anon key reads is a leak, drift is not (yet): first on the page.
  htmlOrder: -1,

  metrics: (e) => [{
    name: 'exposure_findings',
    type: 'gauge',
    help: 'Tables and views the Data API roles reach without row-level security guarding them (security:exposure), last round.',
    samples: exposureSamples(e?.findings ?? [])
  }]
}

/** Status is the worst severity (info never lowers it); output is the worst finding, and how many more. */
export function exposureOutcome (exposure: ExposureFacts): CheckOutcome<ExposureFacts> {
  const base = { observedValue: exposure.findings.length, observedUnit: 'findings', facts: exposure }
  if (exposure.state === 'not_checked') return { status: 'pass', ...base, output: notCheckedOutput(exposure) }
  const first = exposure.findings[0] // sorted worst first
  const more = exposure.findings.length - 1
  return {
    status: worst(exposure.findings.map((f) => STATUS_OF[f.severity])),
    ...base,
    ...(first !== undefined ? { output: more > 0 ? `${first.message} (and ${more} more)` : first.message } : {})
  }
}

function byTable<F extends { readonly table: string }> (findings: readonly F[]): Map<string, F[]> {
  const groups = new Map<string, F[]>()
  for (const f of findings) {
    const group = groups.get(f.table)
    if (group === undefined) groups.set(f.table, [f])
    else group.push(f)
  }
  return groups
}
