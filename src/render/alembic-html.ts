// Rows of the status page's Alembic table for pending revisions (with their risky operations),
// loose scripts and warnings. Pure; every value passes through the page's `esc` (handed in:
// no import cycle with ./html.js).
import type { AlembicFacts } from '../report.js'

export function alembicRows (a: AlembicFacts, esc: (value: unknown) => string): Array<[string, string]> {
  const rows: Array<[string, string]> = []
  const pending = a.pendingRevisions ?? []
  if (pending.length > 0) {
    const items = pending.map((p) => {
      const risks = (p.risks ?? []).map((r) =>
        `<li data-risk="${esc(r.kind)}">${r.destructive ? '<strong>destructive</strong>' : '<strong>fails in a transaction</strong>'} ${esc(r.kind)}, line ${esc(r.line)}: <code>${esc(r.detail)}</code></li>`)
      return `<li><code>${esc(p.revision)}</code>${p.file !== undefined ? ` <span class="muted">${esc(p.file)}</span>` : ''}${risks.length > 0 ? `<ul>${risks.join('')}</ul>` : ''}</li>`
    })
    rows.push(['Pending, in upgrade order', `<ol id="alembic-pending-revisions">${items.join('')}</ol>`])
  }
  if ((a.pendingDestructive ?? 0) > 0) rows.push(['Before upgrading', `<strong>Take a backup:</strong> ${esc(a.pendingDestructive)} destructive operation(s) pending`])
  if ((a.looseScripts ?? []).length > 0) {
    rows.push(['Loose scripts', `<ul id="alembic-loose-scripts">${a.looseScripts!.map((f) => `<li><code>${esc(f)}</code></li>`).join('')}</ul><span class="muted">no revision: Alembic refuses to load them</span>`])
  }
  if ((a.warnings ?? []).length > 0) rows.push(['Warnings', `<ul>${a.warnings!.map((w) => `<li>${esc(w.message)}</li>`).join('')}</ul>`])
  return rows
}
