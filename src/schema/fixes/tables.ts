// Fixes for table findings: CREATE TABLE with every column the source defines and its primary
// key, unique and check constraints; its foreign keys and indexes follow as later steps (the
// tables they refer to must exist first). An extra table is a comment: dropping loses its data.
import type { Finding } from '../findings.js'
import { columnDef, sequenceSql } from './column-def.js'
import { createIndex } from './indexes.js'
import { createForeignKey } from './keys.js'
import { columnList, constraintName, pyList, type TableObjects } from './objects.js'
import { columnFinding, commentFix, opExecute, tableArgs, tableSql, textForSa, type FixContext, type PlannedFix, type Step, type TableRef } from './plan.js'
import { isSafeExpression, pyComment, pyString, quoteIdent, sqlComment } from './quote.js'

type Part = { sql: string, sa?: string } | { comment: string }

/** PRIMARY KEY, UNIQUE and CHECK inside CREATE TABLE, and as create_table arguments. */
function constraints (table: TableRef, o: TableObjects): Part[] {
  const named = (name: string | undefined) => name !== undefined ? `CONSTRAINT ${quoteIdent(name)} ` : ''
  const kw = (name: string | undefined) => name !== undefined ? `, name=${pyString(name)}` : ''
  const parts: Part[] = []
  if (o.primaryKey !== undefined) {
    const name = o.primaryKey.name ?? constraintName(table.name, o.primaryKey.columns, 'pkey')
    parts.push({ sql: `${named(name)}PRIMARY KEY ${columnList(o.primaryKey.columns)}`, sa: `sa.PrimaryKeyConstraint(${o.primaryKey.columns.map(pyString).join(', ')}${kw(name)})` })
  }
  for (const u of o.unique ?? []) {
    parts.push({ sql: `${named(u.name)}UNIQUE ${columnList(u.columns)}`, sa: `sa.UniqueConstraint(${u.columns.map(pyString).join(', ')}${kw(u.name)})` })
  }
  for (const c of o.checks ?? []) {
    const text = c.expression !== undefined && isSafeExpression(c.expression) ? textForSa(c.expression) : undefined
    if (c.expression === undefined || text === undefined) parts.push({ comment: `check ${c.name ?? ''}: no expression that can be written here` })
    else parts.push({ sql: `${named(c.name)}CHECK (${c.expression})`, sa: `sa.CheckConstraint(${pyString(text)}${kw(c.name)})` })
  }
  return parts
}

export function createTable (finding: Finding, ctx: FixContext): PlannedFix {
  const f = columnFinding(finding)
  const table = ctx.table(f.table)
  if (table.columns === undefined) return commentFix('table', `${f.table}: the source does not say which columns it has; create it by hand`)
  const defs = [...table.columns].map(([name, spec]) => columnDef(name, spec))
  const { name, schema } = tableArgs(table)
  const seq = sequenceSql(table, defs)
  // A column we cannot write is left out with a comment saying why: the rest of the table is still right.
  const parts: Part[] = [
    ...defs.map((d): Part => d.problem !== undefined ? { comment: d.problem } : { sql: `${d.sql}${d.notNull ? ' NOT NULL' : ''}`, ...(d.sa !== undefined ? { sa: d.sa(!d.notNull) } : {}) }),
    ...constraints(table, table.objects ?? {})
  ]
  const body = parts.map((p, i) => {
    if ('comment' in p) return `  ${sqlComment(p.comment)}`
    return `  ${p.sql}${parts.slice(i + 1).some((n) => 'sql' in n) ? ',' : ''}`
  })
  const create = body.length === 0 ? `CREATE TABLE ${tableSql(table)} ();` : `CREATE TABLE ${tableSql(table)} (\n${body.join('\n')}\n);`
  const sql = [...seq.before, create, ...seq.after].join('\n')
  // A serial or user-defined type has no SQLAlchemy type here: then the whole statement runs as SQL.
  const asSql = parts.some((p) => 'sql' in p && p.sa === undefined)
  const args = parts.map((p) => 'comment' in p ? pyComment(p.comment) : `${p.sa!},`)
  const alembic = asSql
    ? [...seq.before, create, ...seq.after].map(opExecute).join('\n')
    : [
        ...seq.before.map(opExecute),
        `op.create_table(\n    ${name},\n${args.map((a) => `    ${a}`).join('\n')}${schema !== '' ? `\n    ${schema.slice(2)},` : ''}\n)`,
        ...seq.after.map(opExecute)
      ].join('\n')
  return { steps: [{ phase: 'table', sql, alembic }, ...laterSteps(table, ctx)], downgrade: `op.drop_table(${name}${schema})`, statement: true }
}

/** The new table's foreign keys and indexes, each in its phase. */
function laterSteps (table: TableRef, ctx: FixContext): Step[] {
  const steps: Step[] = []
  for (const fk of table.objects?.foreignKeys ?? []) {
    const made = createForeignKey(table, fk, fk.name ?? constraintName(table.name, fk.columns, 'fkey'), ctx.defaultSchema)
    const note = `foreign key ${columnList(fk.columns)}: cannot be written from the source; add it by hand`
    steps.push(made !== undefined ? { phase: 'foreign_key', ...made } : { phase: 'foreign_key', sql: sqlComment(note), alembic: pyComment(note) })
  }
  for (const ix of table.objects?.indexes ?? []) {
    const made = createIndex(table, ix)
    const note = `index ${ix.name ?? pyList(ix.columns)}: cannot be written from the source; create it by hand`
    steps.push(made !== undefined ? { phase: 'index', sql: made.sql, alembic: made.alembic } : { phase: 'index', sql: sqlComment(note), alembic: pyComment(note) })
  }
  return steps
}

export function noteExtraTable (finding: Finding, ctx: FixContext): PlannedFix {
  const f = columnFinding(finding)
  return commentFix('table', `${f.table} is not in the source; dropping it would lose its data. If it must go:\nDROP TABLE ${tableSql(ctx.table(f.table))};`)
}
