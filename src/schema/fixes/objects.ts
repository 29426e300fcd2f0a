// Keys, constraints, indexes and enums as fixes write them. The shapes are read structurally
// from the manifest's tables and from findings (table, columns, name, type, value), so this
// module holds no copy of the loader's types.
import type { Finding } from '../findings.js'
import { isSafeExpression, pyString, quoteIdent, sqlString } from './quote.js'

export interface KeySpec { readonly columns: readonly string[], readonly name?: string }
export interface ForeignKeySpec {
  readonly columns: readonly string[]
  readonly references: { readonly schema?: string, readonly table: string, readonly columns: readonly string[] }
  readonly onDelete?: string
  readonly onUpdate?: string
  readonly name?: string
}
export interface IndexSpec {
  readonly name?: string
  readonly columns: readonly string[]
  readonly unique?: boolean
  readonly using?: string
  readonly where?: string | null
}
export interface CheckSpec { readonly name?: string, readonly expression?: string }
export interface TableObjects {
  readonly primaryKey?: KeySpec
  readonly unique?: readonly KeySpec[]
  readonly foreignKeys?: readonly ForeignKeySpec[]
  readonly indexes?: readonly IndexSpec[]
  readonly checks?: readonly CheckSpec[]
}
export interface EnumSpec { readonly schema?: string, readonly name: string, readonly labels: readonly string[] }

/** The fields of a key, constraint, index or enum finding. */
export interface ObjectFinding {
  readonly kind: string
  readonly table?: string
  readonly type?: string
  readonly columns?: readonly string[]
  readonly name?: string
  readonly value?: string
  readonly expected?: { readonly expression?: string, readonly labels?: readonly string[] }
  readonly actual?: { readonly columns?: readonly string[], readonly expression?: string, readonly labels?: readonly string[] }
}

export const objectFinding = (f: Finding): ObjectFinding => f as unknown as ObjectFinding

export const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && [...a].sort().join('\u0000') === [...b].sort().join('\u0000')

export const columnList = (columns: readonly string[]) => `(${columns.map(quoteIdent).join(', ')})`
export const pyList = (items: readonly string[]) => `[${items.map(pyString).join(', ')}]`

/** PostgreSQL's own name for a constraint it names (`pdfs_pkey`, `pdfs_user_id_key`, `pdfs_user_id_fkey`). */
export function constraintName (table: string, columns: readonly string[], suffix: 'pkey' | 'key' | 'fkey' | 'check'): string {
  return suffix === 'pkey' ? `${table}_pkey` : `${table}_${columns.join('_')}_${suffix}`
}

const ACTIONS = new Set(['no action', 'restrict', 'cascade', 'set null', 'set default'])

/** `FOREIGN KEY (a) REFERENCES s.t (b) ON DELETE …`; undefined when an action is not one PostgreSQL knows. */
export function foreignKeySql (fk: ForeignKeySpec, defaultSchema: string): string | undefined {
  const actions = [['DELETE', fk.onDelete], ['UPDATE', fk.onUpdate]] as const
  if (actions.some(([, a]) => a !== undefined && !ACTIONS.has(a))) return undefined
  const ref = `${quoteIdent(fk.references.schema ?? defaultSchema)}.${quoteIdent(fk.references.table)}`
  const tail = actions.filter(([, a]) => a !== undefined && a !== 'no action').map(([on, a]) => ` ON ${on} ${a!.toUpperCase()}`).join('')
  return `FOREIGN KEY ${columnList(fk.columns)} REFERENCES ${ref} ${columnList(fk.references.columns)}${tail}`
}

/** The ondelete=/onupdate= arguments of op.create_foreign_key. */
export function foreignKeyKwargs (fk: ForeignKeySpec): string {
  return [['ondelete', fk.onDelete], ['onupdate', fk.onUpdate]]
    .filter(([, a]) => a !== undefined && a !== 'no action').map(([k, a]) => `, ${k}=${pyString(a!.toUpperCase())}`).join('')
}

/** An index key column: a name, `"Quoted"`, or an expression (anything with a parenthesis), with ASC/DESC/NULLS. */
export function indexElementSql (written: string): string | undefined {
  const m = /^(.*?)(\s+(?:asc|desc))?(\s+nulls\s+(?:first|last))?$/i.exec(written.trim())!
  const base = m[1]!
  const order = `${m[2] ?? ''}${m[3] ?? ''}`.replace(/\s+/g, ' ').toUpperCase()
  if (/^"(?:[^"]|"")+"$/.test(base)) return `${base}${order}`
  if (base.includes('(')) return isSafeExpression(base) ? `(${base})${order}` : undefined
  return `${quoteIdent(base)}${order}`
}

/** `'a', 'b'` for CREATE TYPE … AS ENUM. */
export const labelList = (labels: readonly string[]) => labels.map(sqlString).join(', ')
