// One column as a fix creates it (CREATE TABLE, ADD COLUMN): SQL, the sa.Column of an Alembic
// operation, and the sequence a nextval() default needs first.
import type { ExpectedColumn } from '../../expectation.js'
import { isSequenceDefault } from '../defaults.js'
import { saText, tableSql, type TableRef } from './plan.js'
import { isSafeExpression, pyString, quoteIdent } from './quote.js'
import { fixType, saType, sqlType } from './types.js'

export interface ColumnDef {
  readonly name: string
  /** Why the column cannot be written (no type, a type or default we cannot write). */
  readonly problem?: string
  /** `name type [DEFAULT expr]`, without NOT NULL. */
  readonly sql: string
  readonly notNull: boolean
  /** An identity or generated column: PostgreSQL fills existing rows, so NOT NULL can go with ADD COLUMN. */
  readonly filled?: boolean
  /** The sa.Column(...) call; undefined when only op.execute can make it (serial, user types). */
  readonly sa?: (nullable: boolean) => string
  readonly saType?: string
  /** A sequence the default takes values from (and its integer type): created before the column, owned by it after. */
  readonly sequence?: { readonly name: string, readonly type: string }
}

// An identifier chain as nextval() reads its text: `s`, `public.s`, `"Odd"."Seq"`.
const PART = /(?:"(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_$]*)/.source
const SEQUENCE_NAME = new RegExp(`^${PART}(?:\\.${PART}){0,2}$`)
const NEXTVAL = /^nextval\('((?:[^']|'')+)'(?:::regclass)?\)$/i

/** The sequence a `nextval('s'::regclass)` default reads, as SQL; undefined for any other default. */
export function sequenceOf (expr: string | null | undefined): string | undefined {
  if (expr === null || expr === undefined || !isSequenceDefault(expr)) return undefined
  const m = NEXTVAL.exec(expr.trim())
  const name = m?.[1]?.replace(/''/g, "'")
  return name !== undefined && SEQUENCE_NAME.test(name) ? name : undefined
}

const SEQUENCE_TYPES = new Set(['smallint', 'integer', 'bigint'])

export function columnDef (name: string, spec: ExpectedColumn): ColumnDef {
  const col = quoteIdent(name)
  const notNull = spec.nullable === false
  const base = { name, notNull }
  if (spec.type === undefined) return { ...base, sql: col, problem: `${name}: the source gives no type` }
  const type = fixType(spec.type)
  if (type === undefined) return { ...base, sql: col, problem: `${name}: cannot write type ${JSON.stringify(spec.type)}` }
  const def = spec.default ?? undefined
  if (def !== undefined && !isSafeExpression(def)) {
    return { ...base, sql: col, problem: `${name}: default ${JSON.stringify(def)} is not a plain SQL expression` }
  }
  const made = generatedAs(spec)
  if (made.problem !== undefined) return { ...base, sql: col, problem: `${name}: ${made.problem}` }
  const sql = `${col} ${sqlType(type)!}${def !== undefined ? ` DEFAULT ${def}` : ''}${made.sql}`
  const seqName = def !== undefined && SEQUENCE_TYPES.has(type.name) && !type.array ? sequenceOf(def) : undefined
  const sequence = seqName !== undefined ? { name: seqName, type: type.name } : undefined
  const sa = saType(type)
  const server = def !== undefined ? saText(def) : ''
  if (sa === undefined || server === undefined || made.sa === undefined) return { ...base, sql, ...(made.filled ? { filled: true } : {}), ...(sequence !== undefined ? { sequence } : {}) }
  return {
    ...base,
    sql,
    saType: sa,
    ...(made.filled ? { filled: true } : {}),
    sa: (nullable) => `sa.Column(${pyString(name)}, ${sa}${made.sa!}${server !== '' ? `, server_default=${server}` : ''}, nullable=${nullable ? 'True' : 'False'})`,
    ...(sequence !== undefined ? { sequence } : {})
  }
}

/** An identity or stored generated column's clause, in SQL and as sa.Column's argument (`undefined`: only SQL can say it). */
function generatedAs (spec: ExpectedColumn): { sql: string, sa?: string, filled: boolean, problem?: string } {
  if (spec.identity !== undefined) {
    return { sql: ` GENERATED ${spec.identity === 'always' ? 'ALWAYS' : 'BY DEFAULT'} AS IDENTITY`, sa: `, sa.Identity(always=${spec.identity === 'always' ? 'True' : 'False'})`, filled: true }
  }
  if (spec.generated === undefined) return { sql: '', sa: '', filled: false }
  if (!isSafeExpression(spec.generated)) return { sql: '', filled: false, problem: `generation expression ${JSON.stringify(spec.generated)} is not a plain SQL expression` }
  const text = saText(spec.generated)
  return { sql: ` GENERATED ALWAYS AS (${spec.generated}) STORED`, ...(text !== undefined ? { sa: `, sa.Computed(${text}, persisted=True)` } : {}), filled: true }
}

/** SQL that must run before and after the statement creating these columns (their sequences). */
export function sequenceSql (table: TableRef, defs: readonly ColumnDef[]): { before: string[], after: string[] } {
  const before: string[] = []
  const after: string[] = []
  for (const d of defs) {
    if (d.sequence === undefined || d.problem !== undefined) continue
    before.push(`CREATE SEQUENCE IF NOT EXISTS ${d.sequence.name} AS ${d.sequence.type};`)
    after.push(`ALTER SEQUENCE ${d.sequence.name} OWNED BY ${tableSql(table)}.${quoteIdent(d.name)};`)
  }
  return { before, after }
}
