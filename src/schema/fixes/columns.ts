// Fixes for the column findings: ADD COLUMN, ALTER COLUMN ... TYPE / SET|DROP NOT NULL /
// SET|DROP DEFAULT. A dropped column or a narrowing type change is a comment, never a statement.
import type { ExpectedColumn } from '../../expectation.js'
import type { Finding } from '../findings.js'
import { columnDef, sequenceOf, sequenceSql } from './column-def.js'
import { columnFinding, commentFix, opExecute, planned, saText, tableArgs, tableSql, type ColumnFinding, type FixContext, type PlannedFix } from './plan.js'
import { isSafeExpression, pyComment, pyString, qualifiedIdent, quoteIdent, sqlComment, sqlString } from './quote.js'
import { fixType, saType, sqlType } from './types.js'
import { isWidening } from './widening.js'

/** The source's definition of the finding's column: the manifest entry as written, else the finding's shape. */
function wanted (f: ColumnFinding, ctx: FixContext): ExpectedColumn {
  return ctx.table(f.table).columns?.get(f.column!) ?? f.expected ?? {}
}

export function addColumn (finding: Finding, ctx: FixContext): PlannedFix {
  const f = columnFinding(finding)
  const table = ctx.table(f.table)
  const def = columnDef(f.column!, wanted(f, ctx))
  if (def.problem !== undefined) return commentFix('column', `${f.table}.${f.column}: cannot add it: ${def.problem}`)
  const t = tableSql(table)
  const { name, schema } = tableArgs(table)
  const col = quoteIdent(def.name)
  const seq = sequenceSql(table, [def])
  // ADD COLUMN ... NOT NULL without a default fails on a table with rows: add it nullable, then
  // SET NOT NULL, which succeeds on an empty table and otherwise stops until someone fills it.
  const deferNotNull = def.notNull && wanted(f, ctx).default == null && def.filled !== true
  const note = `${f.table}.${f.column} is NOT NULL without a default: on a table with rows, fill it before the next statement (it fails while any row holds NULL)`
  const sql = [
    ...seq.before,
    `ALTER TABLE ${t} ADD COLUMN ${def.sql}${def.notNull && !deferNotNull ? ' NOT NULL' : ''};`,
    ...seq.after,
    ...(deferNotNull ? [sqlComment(note), `ALTER TABLE ${t} ALTER COLUMN ${col} SET NOT NULL;`] : [])
  ]
  const downgrade = `op.drop_column(${name}, ${pyString(def.name)}${schema})`
  if (def.sa === undefined) return planned('column', sql.join('\n'), sql.map(lineOp).join('\n'), downgrade)
  const alembic = [
    ...seq.before.map(opExecute),
    `op.add_column(${name}, ${def.sa(!def.notNull || deferNotNull)}${schema})`,
    ...seq.after.map(opExecute),
    ...(deferNotNull ? [pyComment(note), `op.alter_column(${name}, ${pyString(def.name)}, existing_type=${def.saType!}, nullable=False${schema})`] : [])
  ]
  return planned('column', sql.join('\n'), alembic.join('\n'), downgrade)
}

/** A SQL line as Alembic: comments stay comments, statements go through op.execute. */
function lineOp (line: string): string {
  return line.startsWith('-- ') ? line.replace(/^-- /gm, '# ') : opExecute(line)
}

export function changeType (finding: Finding, ctx: FixContext): PlannedFix {
  const f = columnFinding(finding)
  const table = ctx.table(f.table)
  const from = fixType(f.actual?.type ?? '')
  const to = fixType(wanted(f, ctx).type ?? f.expected?.type ?? '')
  const where = `${f.table}.${f.column}`
  if (to === undefined) return commentFix('alter', `${where}: cannot write type ${JSON.stringify(f.expected?.type)}; change it by hand`)
  const col = quoteIdent(f.column!)
  const target = sqlType(to)!
  const sql = `ALTER TABLE ${tableSql(table)} ALTER COLUMN ${col} TYPE ${target} USING ${col}::${target};`
  if (from === undefined || !isWidening(from, to)) {
    return commentFix('alter', `${where}: ${f.actual?.type ?? '?'} -> ${target} may narrow or rewrite data; review, then run by hand:\n${sql}`)
  }
  const { name, schema } = tableArgs(table)
  const sa = saType(to)
  const using = `${col}::${target}`
  const existing = saType(from)
  const alembic = sa === undefined || using.includes('%')
    ? opExecute(sql)
    : `op.alter_column(${name}, ${pyString(f.column!)}, type_=${sa}${existing !== undefined ? `, existing_type=${existing}` : ''}, postgresql_using=${pyString(using)}${schema})`
  // Going back would narrow: a comment, like any narrowing.
  const downgrade = pyComment(`${where} was ${f.actual?.type ?? '?'}; changing it back may narrow data: do it by hand if needed`)
  return planned('alter', sql, alembic, downgrade)
}

export function changeNullability (finding: Finding, ctx: FixContext): PlannedFix {
  const f = columnFinding(finding)
  const table = ctx.table(f.table)
  const notNull = f.expected?.nullable === false
  const col = quoteIdent(f.column!)
  const sql = `ALTER TABLE ${tableSql(table)} ALTER COLUMN ${col} ${notNull ? 'SET' : 'DROP'} NOT NULL;`
  const { name, schema } = tableArgs(table)
  const op = (nullable: boolean) => `op.alter_column(${name}, ${pyString(f.column!)}${existingType(f, ctx)}, nullable=${nullable ? 'True' : 'False'}${schema})`
  const note = notNull ? `${sqlComment(`fails while any row of ${f.table} holds NULL in ${f.column}: fill those first`)}\n` : ''
  return planned('alter', `${note}${sql}`, op(!notNull), op(notNull))
}

function existingType (f: ColumnFinding, ctx: FixContext): string {
  const type = fixType(f.actual?.type ?? wanted(f, ctx).type ?? '')
  const sa = type !== undefined ? saType(type) : undefined
  return sa !== undefined ? `, existing_type=${sa}` : ''
}

export function changeDefault (finding: Finding, ctx: FixContext): PlannedFix {
  const f = columnFinding(finding)
  const table = ctx.table(f.table)
  const want = f.expected?.default
  const where = `${f.table}.${f.column}`
  const col = quoteIdent(f.column!)
  const alter = `ALTER TABLE ${tableSql(table)} ALTER COLUMN ${col}`
  const { name, schema } = tableArgs(table)
  const op = (server: string) => `op.alter_column(${name}, ${pyString(f.column!)}${existingType(f, ctx)}, server_default=${server}${schema})`
  const have = f.actual?.default ?? null
  const undo = have === null ? op('None') : saText(have) !== undefined && isSafeExpression(have) ? op(saText(have)!) : ''
  if (want === null || want === undefined) {
    return planned('alter', `${alter} DROP DEFAULT;`, op('None'), undo)
  }
  if (want === 'nextval(...)') return serialDefault(finding, ctx)
  if (!isSafeExpression(want)) return commentFix('alter', `${where}: default ${JSON.stringify(want)} is not a plain SQL expression; set it by hand`)
  const sequence = sequenceOf(want)
  const sql = [
    ...(sequence !== undefined ? [`CREATE SEQUENCE IF NOT EXISTS ${sequence};`] : []),
    `${alter} SET DEFAULT ${want};`,
    ...(sequence !== undefined ? [sqlComment(`if ${where} already holds values: SELECT pg_catalog.setval(${sqlString(sequence)}, (SELECT max(${col}) FROM ${tableSql(table)}));`)] : [])
  ]
  const server = saText(want)
  const alembic = server === undefined ? sql.map(lineOp) : [...(sequence !== undefined ? [opExecute(sql[0]!)] : []), op(server), ...sql.slice(sequence !== undefined ? 2 : 1).map(lineOp)]
  return planned('alter', sql.join('\n'), alembic.join('\n'), undo)
}

/** A `serial` in the manifest with no sequence default: make the sequence serial would have made. */
function serialDefault (finding: Finding, ctx: FixContext): PlannedFix {
  const f = columnFinding(finding)
  const table = ctx.table(f.table)
  const col = quoteIdent(f.column!)
  const seq = qualifiedIdent(table.schema, `${table.name}_${f.column!}_seq`)
  const type = fixType(wanted(f, ctx).type ?? '')
  const sql = [
    `CREATE SEQUENCE IF NOT EXISTS ${seq}${type !== undefined && !type.array ? ` AS ${type.name}` : ''} OWNED BY ${tableSql(table)}.${col};`,
    `SELECT pg_catalog.setval(${sqlString(seq)}, COALESCE(max(${col}), 0) + 1, false) FROM ${tableSql(table)};`,
    `ALTER TABLE ${tableSql(table)} ALTER COLUMN ${col} SET DEFAULT nextval(${sqlString(seq)}::regclass);`
  ]
  return planned('alter', sql.join('\n'), sql.map(opExecute).join('\n'), '')
}

export function noteExtraColumn (finding: Finding, ctx: FixContext): PlannedFix {
  const f = columnFinding(finding)
  const table = ctx.table(f.table)
  return commentFix('column', `${f.table}.${f.column} is not in the source; dropping it would lose its data. If it must go:\nALTER TABLE ${tableSql(table)} DROP COLUMN ${quoteIdent(f.column!)};`)
}
