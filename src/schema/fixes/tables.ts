// Fixes for table findings: CREATE TABLE with every column the source defines; an extra table
// is a comment (dropping it would lose its data).
import type { Finding } from '../../report.js'
import { columnDef, sequenceSql } from './column-def.js'
import { commentFix, opExecute, tableArgs, tableSql, type FixContext, planned, type PlannedFix } from './plan.js'
import { pyComment, sqlComment } from './quote.js'

export function createTable (f: Finding, ctx: FixContext): PlannedFix {
  const table = ctx.table(f.table)
  if (table.columns === undefined) return commentFix('table', `${f.table}: the source does not say which columns it has; create it by hand`)
  const defs = [...table.columns].map(([name, spec]) => columnDef(name, spec))
  const t = tableSql(table)
  const { name, schema } = tableArgs(table)
  const seq = sequenceSql(table, defs)
  // A column we cannot write is left out with a comment saying why: the rest of the table is still right.
  const lines = defs.map((d) => d.problem !== undefined ? { comment: d.problem } : { sql: `${d.sql}${d.notNull ? ' NOT NULL' : ''}` })
  const body = lines.map((l, i) => {
    if (l.comment !== undefined) return `  ${sqlComment(l.comment)}`
    const more = lines.slice(i + 1).some((n) => n.sql !== undefined)
    return `  ${l.sql}${more ? ',' : ''}`
  })
  const create = body.length === 0 ? `CREATE TABLE ${t} ();` : `CREATE TABLE ${t} (\n${body.join('\n')}\n);`
  const sql = [...seq.before, create, ...seq.after].join('\n')
  const downgrade = `op.drop_table(${name}${schema})`
  if (defs.some((d) => d.problem === undefined && d.sa === undefined)) {
    // A serial or user-defined type: SQLAlchemy has no type for it here, so the whole statement runs as SQL.
    return planned('table', sql, [...seq.before, create, ...seq.after].map(opExecute).join('\n'), downgrade)
  }
  const args = defs.map((d) => d.problem !== undefined ? pyComment(d.problem) : `${d.sa!(!d.notNull)},`)
  const alembic = [
    ...seq.before.map(opExecute),
    `op.create_table(\n    ${name},\n${args.map((a) => `    ${a}`).join('\n')}${schema !== '' ? `\n    ${schema.slice(2)},` : ''}\n)`,
    ...seq.after.map(opExecute)
  ]
  return planned('table', sql, alembic.join('\n'), downgrade)
}

export function noteExtraTable (f: Finding, ctx: FixContext): PlannedFix {
  return commentFix('table', `${f.table} is not in the source; dropping it would lose its data. If it must go:\nDROP TABLE ${tableSql(ctx.table(f.table))};`)
}
