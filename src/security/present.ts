// How security:exposure shows itself: one-line summaries, the status page section, metric
// samples. Pure functions of its facts; HTML escaping is handed in by the page renderer.
import { grantsText } from './evaluate.js'
import { EXPOSURE_KINDS, type ExposureFacts, type ExposureFinding, type ExposureSeverity } from './findings.js'

const SEVERITIES: readonly ExposureSeverity[] = ['fail', 'warn', 'info']

/** `not_checked: …` when no exposed role exists; the check's `output` in that case. */
export function notCheckedOutput (facts: Pick<ExposureFacts, 'missingRoles'>): string {
  const roles = facts.missingRoles.join(', ')
  return `not_checked: none of the roles ${roles} exists (EXPOSED_ROLES; a plain PostgreSQL has no Data API)`
}

/** The check's line in text output and on the status page when it has no output of its own. */
export function exposureSummary (facts: ExposureFacts): string {
  if (facts.state === 'not_checked') return notCheckedOutput(facts)
  const n = facts.findings.length
  const missing = facts.missingRoles.length > 0 ? `; role ${facts.missingRoles.join(', ')} does not exist` : ''
  return `${n} finding${n === 1 ? '' : 's'} (${facts.reachable} relation${facts.reachable === 1 ? '' : 's'} in ${facts.schemas.join(', ')} reachable by ${facts.roles.join(', ')}${missing})`
}

/** Samples of schema_sentinel_exposure_findings: every kind and severity, 0 when none. */
export function exposureSamples (findings: readonly ExposureFinding[]): Array<{ labels: { kind: string, severity: string }, value: number }> {
  return EXPOSURE_KINDS.flatMap((kind) => SEVERITIES.map((severity) => ({
    labels: { kind, severity },
    value: findings.filter((f) => f.kind === kind && f.severity === severity).length
  })))
}

export interface HtmlHelpers {
  esc (value: unknown): string
  badge (status: ExposureSeverity | 'pass'): string
}

/** The status page section: exposed tables first (findings come sorted worst first). */
export function exposureHtml (facts: ExposureFacts, { esc, badge }: HtmlHelpers): string {
  const head = '<section id="exposure">\n<h2>Supabase exposure'
  if (facts.state === 'not_checked') return `${head}</h2>\n<p class="muted">${esc(notCheckedOutput(facts))}</p>\n</section>`
  const scope = `<p class="muted">${esc(exposureSummary(facts))}.</p>`
  if (facts.findings.length === 0) {
    return `${head}</h2>\n<p>Every table ${esc(facts.roles.join(', '))} can reach has row-level security and a policy; every view they read runs as the caller.</p>\n${scope}\n</section>`
  }
  const rows = facts.findings.map((f) => `<tr data-kind="${esc(f.kind)}" data-table="${esc(f.table)}"><td>${badge(f.severity)}</td><td>${esc(f.kind)}</td>` +
    `<td><code>${esc(f.table)}</code> <span class="muted">${esc(f.relation)}</span></td><td>${esc(grantsText(f.grants))}</td><td>${esc(f.message)}</td></tr>`)
  const n = facts.findings.length
  return `${head}: ${n} finding${n === 1 ? '' : 's'}</h2>
${scope}
<table><thead><tr><th>Severity</th><th>Kind</th><th>Relation</th><th>Roles (privileges)</th><th>Finding</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody></table>
</section>`
}
