// Fixes put together: one SQL script, or one complete Alembic revision file, in dependency order.
import type { Finding } from '../findings.js'
import { objectFinding } from './objects.js'
import { PHASES, type FixContext, type PlannedFix, type Step } from './plan.js'
import { commentText, pyComment, pyString, sqlComment } from './quote.js'
import { planFix } from './registry.js'

export interface ScriptSources {
  /** What the fixes bring the target to, and the target: safe descriptions (no passwords). */
  readonly from: string
  readonly to: string
}

interface Planned { readonly finding: Finding, readonly plan: PlannedFix }
interface Placed { readonly finding: Finding, readonly step: Step }

function plans (findings: readonly Finding[], ctx: FixContext): Planned[] {
  const out: Planned[] = []
  for (const finding of findings) {
    const plan = planFix(finding, ctx)
    if (plan !== undefined) out.push({ finding, plan })
  }
  return out
}

/** Every step of the findings' fixes in the order they can run: by phase, then as the findings are sorted. */
export function orderedSteps (findings: readonly Finding[], ctx: FixContext): Placed[] {
  const rank = new Map(PHASES.map((p, i) => [p, i]))
  const steps = plans(findings, ctx).flatMap(({ finding, plan }) => plan.steps.map((step) => ({ finding, step })))
  // Array.prototype.sort is stable: findings keep their order within a phase.
  return steps.sort((a, b) => (rank.get(a.step.phase)! - rank.get(b.step.phase)!) || ((a.step.rank ?? 0) - (b.step.rank ?? 0)))
}

/** `public.pdfs.status: missing_column`, `public.pdf_status: missing_enum_value 'done'`. */
function heading (finding: Finding): string {
  const f = objectFinding(finding)
  const object = (finding.column !== undefined ? `.${finding.column}` : '') + (f.value !== undefined ? ` '${f.value}'` : f.name !== undefined ? ` ${f.name}` : '')
  // One line, whatever the names hold.
  return commentText(`${f.table ?? f.type ?? ''}${object}: ${f.kind}`)
}

export function sqlScript (findings: readonly Finding[], ctx: FixContext, sources: ScriptSources): string {
  const fixes = plans(findings, ctx)
  const statements = fixes.filter((f) => f.plan.statement).length
  const head = [
    sqlComment(`schema-sentinel diff: what ${sources.to} needs to match ${sources.from}`),
    sqlComment(`${statements} fix${statements === 1 ? '' : 'es'} to run, ${fixes.length - statements} to read. Review, then: psql -v ON_ERROR_STOP=1 -f THIS_FILE`)
  ]
  const placed = orderedSteps(findings, ctx)
  const text = ({ finding, step }: Placed) => `\n${sqlComment(heading(finding))}\n${step.sql}`
  const outside = placed.filter((p) => p.step.outside === true).map(text)
  const steps = placed.filter((p) => p.step.outside !== true).map(text)
  if (statements === 0) return [...head, ...outside, ...steps].join('\n') + '\n'
  const first = outside.length === 0 ? [] : ['', sqlComment('Enum labels first, each committed on its own: a label added inside a transaction cannot be used until it commits.'), ...outside]
  // One transaction: a statement that fails (SET NOT NULL on rows holding NULL) leaves nothing half done.
  return [...head, ...first, '', 'BEGIN;', ...steps, '', 'COMMIT;'].join('\n') + '\n'
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
  const steps = orderedSteps(findings, ctx)
  const upgrade = steps.map(({ finding, step }) => `${pyComment(heading(finding))}\n${step.alembic}`)
  // Undone in the reverse order of each fix's last step.
  const last = new Map(steps.map(({ finding }, i) => [finding, i]))
  const downgrade = plans(findings, ctx)
    .filter(({ plan }) => plan.downgrade !== '')
    .sort((a, b) => last.get(b.finding)! - last.get(a.finding)!)
    .map(({ finding, plan }) => `${pyComment(heading(finding))}\n${plan.downgrade}`)
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
