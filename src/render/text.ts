// Report -> the CLI's text output. Pure. One line per check: status, name, and the check's own
// text (Presentation.text) or, without it, its output or observed value; then its own lines.
// Every line is escaped: names, revisions and messages come from the database and from files.
import { CHECKS } from '../checks/index.js'
import type { Registry } from '../checks/check.js'
import { checkStatus, overallStatus, type CheckResult, type Report, type View } from '../report.js'
import { escapeControls } from './escape.js'

export function renderText (report: Report, view: View = 'schema', checks: Registry = CHECKS): string {
  const status = overallStatus(report, view)
  const lines = [`schema-sentinel ${report.version}: ${status.toUpperCase()}`]
  for (const result of report.checks) {
    const own = result.facts === undefined ? undefined : checks.find((c) => c.name === result.name)?.text?.(result.facts)
    lines.push(`  ${checkStatus(result, view).padEnd(4)}  ${result.name.padEnd(21)}  ${own?.line ?? generic(result)}`)
    for (const more of own?.more ?? []) lines.push(`        ${more}`)
  }
  return lines.map(escapeControls).join('\n') + '\n'
}

function generic (result: CheckResult): string {
  if (result.output !== undefined) return result.output
  if (result.observedValue !== undefined) return `${result.observedValue} ${result.observedUnit ?? ''}`.trim()
  return ''
}
