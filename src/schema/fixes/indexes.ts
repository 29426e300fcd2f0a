// Fixes for indexes: CREATE [UNIQUE] INDEX … USING … WHERE …, op.create_index; an index of the
// same name that differs is dropped and made again (no data is lost); an invalid one is rebuilt.
import type { Finding } from '../findings.js'
import { indexElementSql, objectFinding, type IndexSpec, type ObjectFinding } from './objects.js'
import { commentFix, opExecute, planned, saText, tableArgs, tableSql, type FixContext, type PlannedFix, type TableRef } from './plan.js'
import { isSafeExpression, pyComment, pyString, qualifiedIdent, quoteIdent, sqlComment } from './quote.js'

const subject = (o: ObjectFinding) => o.table ?? ''

/** The source's index the finding is about: by name, else by its columns. */
function indexOf (o: ObjectFinding, table: TableRef): IndexSpec | undefined {
  const indexes = table.objects?.indexes ?? []
  return (o.name !== undefined ? indexes.find((ix) => ix.name === o.name) : undefined) ??
    indexes.find((ix) => ix.columns.join('\u0000') === (o.columns ?? []).join('\u0000'))
}

const LOCK_NOTE = 'on a large, busy table run it as CREATE INDEX CONCURRENTLY, outside a transaction: a plain CREATE INDEX blocks writes while it builds'

/** CREATE INDEX and op.create_index for one index; undefined when a part is not plain SQL. */
export function createIndex (table: TableRef, ix: IndexSpec): { sql: string, alembic: string, drop: string } | undefined {
  const elements = ix.columns.map(indexElementSql)
  if (elements.some((e) => e === undefined) || elements.length === 0) return undefined
  if (ix.using !== undefined && !/^[a-z_][a-z0-9_]*$/.test(ix.using)) return undefined
  if (typeof ix.where === 'string' && !isSafeExpression(ix.where)) return undefined
  const using = ix.using !== undefined && ix.using !== 'btree' ? ` USING ${ix.using}` : ''
  const where = typeof ix.where === 'string' ? ` WHERE ${ix.where}` : ''
  const name = ix.name !== undefined ? `${quoteIdent(ix.name)} ` : ''
  const sql = `CREATE ${ix.unique === true ? 'UNIQUE ' : ''}INDEX ${name}ON ${tableSql(table)}${using} (${elements.join(', ')})${where};`
  const { name: t, schema } = tableArgs(table)
  // A plain column is its name; anything else (an expression, DESC) goes in as sa.text().
  const columns = ix.columns.map((c, i) => /^[A-Za-z_][A-Za-z0-9_$]*$/.test(c.trim()) ? pyString(c.trim()) : saText(elements[i]!))
  const predicate = typeof ix.where === 'string' ? saText(ix.where) : ''
  if (ix.name === undefined || columns.some((c) => c === undefined) || predicate === undefined) {
    return { sql, alembic: opExecute(sql), drop: '' }
  }
  const kwargs = `${ix.unique === true ? ', unique=True' : ''}${using !== '' ? `, postgresql_using=${pyString(ix.using!)}` : ''}${predicate !== '' ? `, postgresql_where=${predicate}` : ''}`
  return {
    sql,
    alembic: `op.create_index(${pyString(ix.name)}, ${t}, [${columns.join(', ')}]${kwargs}${schema})`,
    drop: `op.drop_index(${pyString(ix.name)}, table_name=${t}${schema})`
  }
}

export function addIndex (f: Finding, ctx: FixContext): PlannedFix {
  const o = objectFinding(f)
  const table = ctx.table(subject(o))
  const ix = indexOf(o, table)
  const made = ix !== undefined ? createIndex(table, ix) : undefined
  if (made === undefined) return commentFix('index', `${subject(o)}: index ${o.name ?? ''} cannot be written from the source; create it by hand`)
  return planned('index', `${sqlComment(LOCK_NOTE)}\n${made.sql}`, `${pyComment(LOCK_NOTE)}\n${made.alembic}`, made.drop)
}

export function replaceIndex (f: Finding, ctx: FixContext): PlannedFix {
  const o = objectFinding(f)
  const table = ctx.table(subject(o))
  const ix = indexOf(o, table)
  const made = ix !== undefined && o.name !== undefined ? createIndex(table, ix) : undefined
  if (made === undefined) return commentFix('index', `${subject(o)}: index ${o.name ?? ''} differs; change it by hand`)
  const { name: t, schema } = tableArgs(table)
  const dropSql = `DROP INDEX ${qualifiedIdent(table.schema, o.name!)};`
  return planned('index', `${dropSql}\n${made.sql}`, `op.drop_index(${pyString(o.name!)}, table_name=${t}${schema})\n${made.alembic}`,
    pyComment(`${subject(o)}: index ${o.name!} was different before; recreate it by hand if needed`))
}

/** A failed CREATE INDEX CONCURRENTLY leaves an index that is maintained but never used: rebuild it. */
export function rebuildIndex (f: Finding, ctx: FixContext): PlannedFix {
  const o = objectFinding(f)
  const table = ctx.table(subject(o))
  if (o.name === undefined) return commentFix('index', `${subject(o)}: an invalid index; rebuild it by hand`)
  const sql = `REINDEX INDEX ${qualifiedIdent(table.schema, o.name)};`
  return planned('index', sql, opExecute(sql), '')
}

export function noteExtraIndex (f: Finding, ctx: FixContext): PlannedFix {
  const o = objectFinding(f)
  const table = ctx.table(subject(o))
  return commentFix('index', `${subject(o)}: index ${o.name ?? ''} is not in the source; queries may rely on it. If it must go:\nDROP INDEX ${qualifiedIdent(table.schema, o.name ?? '?')};`)
}
