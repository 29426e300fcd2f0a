// Fixes for keys and constraints: ADD CONSTRAINT … PRIMARY KEY / UNIQUE / FOREIGN KEY / CHECK,
// and op.create_primary_key, op.create_unique_constraint, op.create_foreign_key,
// op.create_check_constraint. Replacing a primary key (foreign keys may hang on it) is a
// comment; an extra constraint is a comment with its DROP.
import type { Finding } from '../findings.js'
import {
  columnList, constraintName, foreignKeyKwargs, foreignKeySql, objectFinding, pyList, sameSet, type ForeignKeySpec, type ObjectFinding
} from './objects.js'
import { commentFix, opExecute, planned, tableArgs, tableSql, textForSa, type FixContext, type PlannedFix, type TableRef } from './plan.js'
import { isSafeExpression, pyComment, pyString, quoteIdent } from './quote.js'

const subject = (o: ObjectFinding) => o.table ?? o.type ?? ''
const drop = (table: TableRef, name: string, type: string) => {
  const { name: t, schema } = tableArgs(table)
  return `op.drop_constraint(${pyString(name)}, ${t}, type_=${pyString(type)}${schema})`
}

export function addPrimaryKey (f: Finding, ctx: FixContext): PlannedFix {
  const o = objectFinding(f)
  const table = ctx.table(subject(o))
  const columns = o.columns ?? []
  if (o.actual?.columns !== undefined) {
    return commentFix('key', `${subject(o)} has primary key ${columnList(o.actual.columns)}, expected ${columnList(columns)}: replacing it may break foreign keys that refer to it; do it by hand`)
  }
  const name = o.name ?? constraintName(table.name, columns, 'pkey')
  const { name: t, schema } = tableArgs(table)
  return planned('key',
    `ALTER TABLE ${tableSql(table)} ADD CONSTRAINT ${quoteIdent(name)} PRIMARY KEY ${columnList(columns)};`,
    `op.create_primary_key(${pyString(name)}, ${t}, ${pyList(columns)}${schema})`,
    drop(table, name, 'primary'))
}

export function addUnique (f: Finding, ctx: FixContext): PlannedFix {
  const o = objectFinding(f)
  const table = ctx.table(subject(o))
  const columns = o.columns ?? []
  const name = o.name ?? constraintName(table.name, columns, 'key')
  const { name: t, schema } = tableArgs(table)
  return planned('key',
    `ALTER TABLE ${tableSql(table)} ADD CONSTRAINT ${quoteIdent(name)} UNIQUE ${columnList(columns)};`,
    `op.create_unique_constraint(${pyString(name)}, ${t}, ${pyList(columns)}${schema})`,
    drop(table, name, 'unique'))
}

/** The source's foreign key on the finding's columns. */
function foreignKeyOf (o: ObjectFinding, table: TableRef): ForeignKeySpec | undefined {
  return table.objects?.foreignKeys?.find((fk) => sameSet(fk.columns, o.columns ?? []))
}

/** ADD CONSTRAINT … FOREIGN KEY and op.create_foreign_key for one key. */
export function createForeignKey (table: TableRef, fk: ForeignKeySpec, name: string, defaultSchema: string): { sql: string, alembic: string } | undefined {
  const definition = foreignKeySql(fk, defaultSchema)
  if (definition === undefined) return undefined
  const { name: t } = tableArgs(table)
  const refSchema = fk.references.schema ?? defaultSchema
  const schemas = `${table.schema !== 'public' ? `, source_schema=${pyString(table.schema)}` : ''}${refSchema !== 'public' ? `, referent_schema=${pyString(refSchema)}` : ''}`
  return {
    sql: `ALTER TABLE ${tableSql(table)} ADD CONSTRAINT ${quoteIdent(name)} ${definition};`,
    alembic: `op.create_foreign_key(${pyString(name)}, ${t}, ${pyString(fk.references.table)}, ${pyList(fk.columns)}, ${pyList(fk.references.columns)}${foreignKeyKwargs(fk)}${schemas})`
  }
}

export function addForeignKey (f: Finding, ctx: FixContext): PlannedFix {
  const o = objectFinding(f)
  const table = ctx.table(subject(o))
  const fk = foreignKeyOf(o, table)
  const made = fk !== undefined ? createForeignKey(table, fk, o.name ?? fk.name ?? constraintName(table.name, fk.columns, 'fkey'), ctx.defaultSchema) : undefined
  if (made === undefined) return commentFix('foreign_key', `${subject(o)}: the source does not say enough about foreign key ${columnList(o.columns ?? [])}; add it by hand`)
  const name = o.name ?? fk!.name ?? constraintName(table.name, fk!.columns, 'fkey')
  return planned('foreign_key', made.sql, made.alembic, drop(table, name, 'foreignkey'))
}

/** A live foreign key that refers elsewhere or acts otherwise: dropped and made again under its name, in one statement. */
export function replaceForeignKey (f: Finding, ctx: FixContext): PlannedFix {
  const o = objectFinding(f)
  const table = ctx.table(subject(o))
  const fk = foreignKeyOf(o, table)
  const name = o.name ?? ''
  const made = fk !== undefined && name !== '' ? createForeignKey(table, fk, name, ctx.defaultSchema) : undefined
  if (made === undefined) return commentFix('foreign_key', `${subject(o)}: foreign key ${columnList(o.columns ?? [])} differs; change it by hand`)
  const sql = made.sql.replace(/ ADD CONSTRAINT /, ` DROP CONSTRAINT ${quoteIdent(name)}, ADD CONSTRAINT `)
  return planned('foreign_key', sql, `${drop(table, name, 'foreignkey')}\n${made.alembic}`,
    pyComment(`${subject(o)}: foreign key ${name} was different before; recreate it by hand if needed`))
}

/** The source's check: by name, else the only unnamed one. */
function checkOf (o: ObjectFinding, table: TableRef) {
  const checks = table.objects?.checks ?? []
  if (o.name !== undefined) return checks.find((c) => c.name === o.name)
  const unnamed = checks.filter((c) => c.name === undefined)
  return unnamed.length === 1 ? unnamed[0] : undefined
}

export function addCheck (f: Finding, ctx: FixContext): PlannedFix {
  const o = objectFinding(f)
  const table = ctx.table(subject(o))
  const expression = checkOf(o, table)?.expression ?? o.expected?.expression
  if (expression === undefined || !isSafeExpression(expression)) {
    return commentFix('check', `${subject(o)}: check constraint ${o.name ?? ''} has no expression that can be written here; add it by hand`)
  }
  const named = o.name !== undefined ? `CONSTRAINT ${quoteIdent(o.name)} ` : ''
  const sql = `ALTER TABLE ${tableSql(table)} ADD ${named}CHECK (${expression});`
  const { name: t, schema } = tableArgs(table)
  const text = textForSa(expression)
  const alembic = o.name !== undefined && text !== undefined
    ? `op.create_check_constraint(${pyString(o.name)}, ${t}, ${pyString(text)}${schema})`
    : opExecute(sql)
  return planned('check', sql, alembic, o.name !== undefined ? drop(table, o.name, 'check') : '')
}

export function replaceCheck (f: Finding, ctx: FixContext): PlannedFix {
  const o = objectFinding(f)
  const table = ctx.table(subject(o))
  const expression = o.expected?.expression
  if (o.name === undefined || expression === undefined || !isSafeExpression(expression)) {
    return commentFix('check', `${subject(o)}: check constraint ${o.name ?? ''} differs; change it by hand`)
  }
  const name = quoteIdent(o.name)
  const sql = `ALTER TABLE ${tableSql(table)} DROP CONSTRAINT ${name}, ADD CONSTRAINT ${name} CHECK (${expression});`
  const { name: t, schema } = tableArgs(table)
  const text = textForSa(expression)
  const alembic = text !== undefined ? `${drop(table, o.name, 'check')}\nop.create_check_constraint(${pyString(o.name)}, ${t}, ${pyString(text)}${schema})` : opExecute(sql)
  return planned('check', sql, alembic, pyComment(`${subject(o)}: check ${o.name} was CHECK (${o.actual?.expression ?? '?'}); restore it by hand if needed`))
}

/** An extra unique, foreign key or check constraint: what would drop it, as a comment. */
export function noteExtraConstraint (f: Finding, ctx: FixContext): PlannedFix {
  const o = objectFinding(f)
  const table = ctx.table(subject(o))
  const what = o.kind.replace(/^extra_/, '').replace(/_/g, ' ')
  return commentFix(o.kind === 'extra_foreign_key' ? 'foreign_key' : o.kind === 'extra_check' ? 'check' : 'key',
    `${subject(o)}: ${what} ${o.name ?? ''} is not in the source; the application may rely on it. If it must go:\nALTER TABLE ${tableSql(table)} DROP CONSTRAINT ${quoteIdent(o.name ?? '?')};`)
}
