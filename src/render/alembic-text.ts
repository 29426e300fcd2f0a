// The Alembic lines under the alembic:revision line of `check`'s text: pending revisions in
// upgrade order with their risky operations, the backup advice, loose scripts, warnings. Pure.
import type { AlembicFacts } from '../report.js'

const INDENT = '        '
/** Beyond this many pending revisions, only those with risky operations are listed. */
const LIST_ALL_UP_TO = 30

export function alembicLines (a: AlembicFacts): string[] {
  const lines: string[] = []
  const pending = a.pendingRevisions ?? []
  if (pending.length > 0) {
    const shown = pending.length <= LIST_ALL_UP_TO ? pending : pending.filter((p) => p.risks !== undefined)
    lines.push(`${INDENT}pending, in upgrade order${shown.length < pending.length ? ` (the ${shown.length} of ${pending.length} with risky operations)` : ''}:`)
    for (const p of shown) {
      lines.push(`${INDENT}  ${p.revision}${p.file !== undefined ? `  ${p.file}` : ''}`)
      for (const r of p.risks ?? []) {
        lines.push(`${INDENT}    ${(r.destructive ? 'destructive' : 'will fail').padEnd(11)}  ${r.kind.padEnd(27)}  line ${r.line}: ${r.detail}`)
      }
    }
  }
  const destructive = a.pendingDestructive ?? 0
  if (destructive > 0) {
    lines.push(`${INDENT}take a backup before upgrading: ${destructive} destructive operation${destructive === 1 ? '' : 's'} pending`)
  }
  for (const file of a.looseScripts ?? []) lines.push(`${INDENT}loose script (no revision; Alembic refuses to load it): ${file}`)
  for (const w of a.warnings ?? []) lines.push(`${INDENT}warning: ${w.message}`)
  return lines
}
