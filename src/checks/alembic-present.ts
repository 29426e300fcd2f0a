// How alembic:revision shows its facts: its fields in health bodies, its lines in `check`
// (pending revisions in upgrade order with their risky operations, the backup advice, loose
// scripts, warnings), its section of the status page, its metric families. Pure.
import { esc } from '../render/html-escape.js'
import type { Presentation } from './check.js'
import type { AlembicFacts } from './alembic-facts.js'

/** Beyond this many pending revisions, only those with risky operations are listed in text. */
const LIST_ALL_UP_TO = 30

export const alembicPresentation: Presentation<AlembicFacts> = {
  health: (a) => ({
    state: a.state,
    observedValue: a.database,
    expected: a.expected,
    ...(a.expectedSource !== undefined ? { expectedSource: a.expectedSource } : {}),
    ...(a.pending !== undefined ? { pending: a.pending } : {}),
    ...(a.multipleHeads === true ? { multipleHeads: true } : {}),
    ...(a.pendingRevisions !== undefined ? { pendingRevisions: a.pendingRevisions } : {}),
    ...(a.pendingDestructive !== undefined ? { pendingDestructive: a.pendingDestructive } : {}),
    ...(a.looseScripts !== undefined ? { looseScripts: a.looseScripts } : {}),
    ...(a.warnings !== undefined ? { warnings: a.warnings } : {})
  }),

  text (a) {
    const table = a.versionTable !== undefined ? ` ${a.versionTable}` : ''
    const db = a.database.length > 0 ? a.database.join(', ') : a.tableExists ? `(empty version table${table})` : `(no version table${table})`
    const expected = a.expected.length > 0 ? a.expected.join(', ') : '(not configured)'
    let line = `${a.state}: database ${db}, expected ${expected}`
    if (a.pending !== undefined && a.pending > 0) line += ` (${a.pending} pending)`
    if (a.multipleHeads === true) line += ' [several heads without a merge]'
    return { line, more: moreLines(a) }
  },

  htmlSummary: (a) => `state ${a.state}`,

  htmlSection (a) {
    const rows = [
      ['State', `<strong id="alembic-state">${esc(a.state)}</strong>`],
      ['Database', revisions(a.database, a.tableExists ? '(empty version table)' : '(no version table)')],
      ['Expected', revisions(a.expected, '(not configured)') + (a.expectedSource !== undefined ? ` <span class="muted">from ${esc(a.expectedSource)}</span>` : '')],
      ['Pending migrations', `<span id="alembic-pending">${esc(a.pending ?? 0)}</span>`]
    ]
    if (a.multipleHeads === true) rows.push(['Heads', 'several heads without a merge: <code>alembic upgrade head</code> would refuse them'])
    rows.push(...moreRows(a))
    return `<section id="alembic">
<h2>Alembic migration state</h2>
<table><tbody>
${rows.map(([k, v]) => `<tr><th>${k}</th><td>${v}</td></tr>`).join('\n')}
</tbody></table>
</section>`
  },

  metrics: (a) => [
    { name: 'alembic_at_expected_head', type: 'gauge', help: '1 when the database is at the expected Alembic heads.', samples: [{ value: a?.state === 'current' ? 1 : 0 }] },
    { name: 'alembic_pending_migrations', type: 'gauge', help: 'Alembic revisions still to apply.', samples: [{ value: a?.pending ?? 0 }] },
    {
      name: 'alembic_pending_destructive',
      type: 'gauge',
      help: 'Destructive operations (drops, type changes, DELETE/TRUNCATE) in the Alembic revisions still to apply.',
      samples: [{ value: a?.pendingDestructive ?? 0 }]
    },
    {
      name: 'alembic_revision_info',
      type: 'gauge',
      help: 'Alembic revisions in the database and expected by the code; always 1.',
      samples: [
        ...(a?.database ?? []).map((revision) => ({ labels: { source: 'database', revision }, value: 1 })),
        ...(a?.expected ?? []).map((revision) => ({ labels: { source: 'expected', revision }, value: 1 }))
      ]
    }
  ]
}

function revisions (list: readonly string[], none: string): string {
  return list.length === 0 ? `<span class="muted">${esc(none)}</span>` : list.map((r) => `<code>${esc(r)}</code>`).join(', ')
}

/** The lines under the check's line in `check` (the text renderer indents them). */
function moreLines (a: AlembicFacts): string[] {
  const lines: string[] = []
  const pending = a.pendingRevisions ?? []
  if (pending.length > 0) {
    const shown = pending.length <= LIST_ALL_UP_TO ? pending : pending.filter((p) => p.risks !== undefined)
    lines.push(`pending, in upgrade order${shown.length < pending.length ? ` (the ${shown.length} of ${pending.length} with risky operations)` : ''}:`)
    for (const p of shown) {
      lines.push(`  ${p.revision}${p.file !== undefined ? `  ${p.file}` : ''}`)
      for (const r of p.risks ?? []) {
        lines.push(`    ${(r.destructive ? 'destructive' : 'will fail').padEnd(11)}  ${r.kind.padEnd(27)}  line ${r.line}: ${r.detail}`)
      }
    }
  }
  const destructive = a.pendingDestructive ?? 0
  if (destructive > 0) lines.push(`take a backup before upgrading: ${destructive} destructive operation${destructive === 1 ? '' : 's'} pending`)
  for (const file of a.looseScripts ?? []) lines.push(`loose script (no revision; Alembic refuses to load it): ${file}`)
  for (const w of a.warnings ?? []) lines.push(`warning: ${w.message}`)
  return lines
}

/** The status page's rows for pending revisions (with their risky operations), loose scripts and warnings. */
function moreRows (a: AlembicFacts): Array<[string, string]> {
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
