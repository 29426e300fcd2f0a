// Fixes for enum types: CREATE TYPE … AS ENUM, ALTER TYPE … ADD VALUE … BEFORE/AFTER (through
// op.execute: Alembic has no operation for either). Removing or reordering labels means
// recreating the type and rewriting every column that uses it: a comment.
import type { Finding } from '../findings.js'
import { labelList, objectFinding, type ObjectFinding } from './objects.js'
import { commentFix, opExecute, planned, type FixContext, type PlannedFix } from './plan.js'
import { qualifiedIdent, sqlString } from './quote.js'

const subject = (o: ObjectFinding) => o.type ?? ''

/** The type as SQL: from the source when it defines it, else split at the first dot (SCHEMAS hold none). */
function typeSql (o: ObjectFinding, ctx: FixContext): string {
  const e = ctx.enumType(subject(o))
  if (e !== undefined) return qualifiedIdent(e.schema, e.name)
  const dot = subject(o).indexOf('.')
  return qualifiedIdent(subject(o).slice(0, dot), subject(o).slice(dot + 1))
}

export function createEnum (f: Finding, ctx: FixContext): PlannedFix {
  const o = objectFinding(f)
  const e = ctx.enumType(subject(o))
  if (e === undefined) return commentFix('type', `${subject(o)}: the source does not give its labels; create it by hand`)
  const type = typeSql(o, ctx)
  const sql = `CREATE TYPE ${type} AS ENUM (${labelList(e.labels)});`
  return planned('type', sql, opExecute(sql), opExecute(`DROP TYPE ${type};`))
}

/**
 * ADD VALUE after the label before it in the source (present, or added earlier: the script adds
 * a type's labels in their order), or before the first present label when it comes first.
 */
export function addEnumValue (f: Finding, ctx: FixContext): PlannedFix {
  const o = objectFinding(f)
  const value = o.value ?? ''
  const labels = ctx.enumType(subject(o))?.labels ?? []
  const at = labels.indexOf(value)
  const missing = ctx.missingLabels(subject(o))
  const before = at === 0 ? labels.find((l) => !missing.has(l)) : undefined
  const place = at > 0 ? ` AFTER ${sqlString(labels[at - 1]!)}` : before !== undefined ? ` BEFORE ${sqlString(before)}` : ''
  const sql = `ALTER TYPE ${typeSql(o, ctx)} ADD VALUE IF NOT EXISTS ${sqlString(value)}${place};`
  // A label added in a transaction cannot be used (a default, a partial index) until it commits:
  // outside the script's transaction, and in Alembic's autocommit block. IF NOT EXISTS: safe to run again.
  const alembic = `with op.get_context().autocommit_block():\n    ${opExecute(sql)}`
  // Removing a label means recreating the type: downgrade() leaves it.
  return { steps: [{ phase: 'type', sql, alembic, rank: Math.max(at, 0), outside: true }], downgrade: '', statement: true }
}

export function noteEnumLabels (f: Finding, ctx: FixContext): PlannedFix {
  const o = objectFinding(f)
  const what = o.kind === 'extra_enum_value' ? `has label '${o.value ?? ''}' that the source does not` : 'orders its labels differently from the source'
  return commentFix('type', `${subject(o)} ${what}: changing that means recreating the type (${typeSql(o, ctx)}) and rewriting every column that uses it; do it by hand if it matters`)
}
