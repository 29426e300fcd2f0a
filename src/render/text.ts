// Report -> the CLI's text output. Pure.
import { checkStatus, overallStatus, type CheckResult, type Report, type View } from '../report.js'
import { exposureSummary } from '../security/present.js'

/** What the text output shows of any check's finding. */
interface Listed { readonly table: string, readonly severity: string, readonly kind: string, readonly message: string }

export function renderText (report: Report, view: View = 'schema'): string {
  const status = overallStatus(report, view)
  const lines = [`schema-sentinel ${report.version}: ${status.toUpperCase()}`]
  for (const check of report.checks) {
    lines.push(`  ${checkStatus(check, view).padEnd(4)}  ${check.name.padEnd(21)}  ${describe(check)}`)
    if (check.drift !== undefined && check.drift.findings.length > 0) lines.push(...findingsByTable(check.drift.findings))
    if (check.exposure !== undefined && check.exposure.findings.length > 0) lines.push(...findingsByTable(check.exposure.findings))
  }
  return lines.join('\n') + '\n'
}

function describe (check: CheckResult): string {
  const a = check.alembic
  if (a !== undefined) {
    const db = a.database.length > 0 ? a.database.join(', ') : '(none)'
    const expected = a.expected.length > 0 ? a.expected.join(', ') : '(not configured)'
    let text = `${a.state}: database ${db}, expected ${expected}`
    if (a.pending !== undefined && a.pending > 0) text += ` (${a.pending} pending)`
    if (a.multipleHeads === true) text += ' [several heads without a merge]'
    return check.output !== undefined && check.errored ? check.output : text
  }
  if (check.drift !== undefined) {
    const n = check.drift.findings.length
    return `${n} finding${n === 1 ? '' : 's'} (${check.drift.tablesCompared} tables, ${check.drift.columnsCompared} columns compared)`
  }
  if (check.exposure !== undefined) return exposureSummary(check.exposure)
  if (check.output !== undefined) return check.output
  if (check.observedValue !== undefined) return `${check.observedValue} ${check.observedUnit ?? ''}`.trim()
  return ''
}

function findingsByTable (findings: readonly Listed[]): string[] {
  const groups = new Map<string, Listed[]>()
  for (const f of findings) groups.set(f.table, [...(groups.get(f.table) ?? []), f])
  const lines: string[] = []
  for (const [table, group] of groups) {
    lines.push(`        ${table}`)
    for (const f of group) lines.push(`          ${f.severity.padEnd(4)}  ${f.kind.padEnd(20)}  ${f.message}`)
  }
  return lines
}
