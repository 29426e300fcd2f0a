// Fixes put together: one SQL script, or one complete Alembic revision file, in dependency order.
import type { Finding } from '../../report.js'
import { PHASES, type FixContext, type PlannedFix } from './plan.js'
import { commentText, pyComment, pyString, sqlComment } from './quote.js'
import { planFix } from './registry.js'

export interface ScriptSources {
  /** What the fixes bring the target to, and the target: safe descriptions (no passwords). */
  readonly from: string
  readonly to: string
}

interface Planned { readonly finding: Finding, readonly plan: PlannedFix }

/** The fixes of the findings in the order they can run: by phase, then as the findings are sorted. */
export function orderedFixes (findings: readonly Finding[], ctx: FixContext): Planned[] {
  const out: Planned[] = []
  for (const finding of findings) {
    const plan = planFix(finding, ctx)
    if (plan !== undefined) out.push({ finding, plan })
  }
  const rank = new Map(PHASES.map((p, i) => [p, i]))
  // Array.prototype.sort is stable: findings keep their order within a phase.
  return out.sort((a, b) => rank.get(a.plan.phase)! - rank.get(b.plan.phase)!)
}

const heading = (f: Finding) => `${f.table}${f.column !== undefined ? `.${f.column}` : ''}: ${f.kind}`

export function sqlScript (findings: readonly Finding[], ctx: FixContext, sources: ScriptSources): string {
  const fixes = orderedFixes(findings, ctx)
  const statements = fixes.filter((f) => f.plan.statement).length
  const head = [
    sqlComment(`schema-sentinel diff: what ${sources.to} needs to match ${sources.from}`),
    sqlComment(`${statements} fix${statements === 1 ? '' : 'es'} to run, ${fixes.length - statements} to read. Review, then: psql -v ON_ERROR_STOP=1 -f THIS_FILE`)
  ]
  if (statements === 0) return [...head, ...fixes.map(({ finding, plan }) => `\n${sqlComment(heading(finding))}\n${plan.sql}`)].join('\n') + '\n'
  // One transaction: a statement that fails (SET NOT NULL on rows holding NULL) leaves nothing half done.
  return [...head, '', 'BEGIN;', ...fixes.map(({ finding, plan }) => `\n${sqlComment(heading(finding))}\n${plan.sql}`), '', 'COMMIT;'].join('\n') + '\n'
}

export interface RevisionInfo extends ScriptSources {
  readonly revision: string
  /** The heads this revision follows (several: it merges them); empty for a first revision. */
  readonly downRevisions: readonly string[]
  readonly createDate: Date
}

const indent = (text: string) => text.split('\n').map((l) => l === '' ? l : `    ${l}`).join('\n')

/** A function body: the parts, and `pass` when they hold no statement (only comments, or nothing). */
function body (parts: readonly string[]): string {
  const text = parts.join('\n\n')
  const code = text.split('\n').some((l) => l.trim() !== '' && !l.trimStart().startsWith('#'))
  return indent(code ? text : text === '' ? 'pass' : `${text}\npass`)
}

/** Text for the revision's docstring: no quote or backslash can end it early. */
function docText (text: string): string {
  return commentText(text).replace(/\\/g, '\\\\').replace(/"/g, '\\"')
}

export function alembicRevision (findings: readonly Finding[], ctx: FixContext, info: RevisionInfo): string {
  const fixes = orderedFixes(findings, ctx)
  const upgrade = fixes.map(({ finding, plan }) => `${pyComment(heading(finding))}\n${plan.alembic}`)
  const downgrade = [...fixes].reverse().filter(({ plan }) => plan.downgrade !== '').map(({ finding, plan }) => `${pyComment(heading(finding))}\n${plan.downgrade}`)
  const down = info.downRevisions
  const downRevision = down.length === 0 ? 'None' : down.length === 1 ? pyString(down[0]!) : `(${down.map(pyString).join(', ')})`
  return `"""schema-sentinel diff: bring ${docText(info.to)} to ${docText(info.from)}

Revision ID: ${docText(info.revision)}
Revises: ${docText(down.join(', '))}
Create Date: ${info.createDate.toISOString().replace('T', ' ').replace('Z', '')}

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = ${pyString(info.revision)}
down_revision = ${downRevision}
branch_labels = None
depends_on = None


def upgrade():
${body(upgrade)}


def downgrade():
${body(downgrade)}
`
}
