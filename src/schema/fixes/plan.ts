// The shapes every fixer shares, and the helpers that write table names and Alembic calls.
import type { ExpectedColumn } from '../../expectation.js'
import type { Finding, FindingFix } from '../findings.js'
import type { EnumSpec, TableObjects } from './objects.js'
import { pyComment, pyString, qualifiedIdent, sqlComment } from './quote.js'

/**
 * Where a fix goes in a script: types before the tables that use them, tables before their
 * columns and keys, every table before a foreign key that refers to one.
 */
export const PHASES = ['type', 'table', 'column', 'alter', 'key', 'index', 'foreign_key', 'check'] as const
export type Phase = typeof PHASES[number]

/** One part of a fix, run in its phase: a missing table's foreign keys wait until every table exists. */
export interface Step extends FindingFix {
  readonly phase: Phase
  /** Order within the phase when it matters (enum labels are added in label order); else the findings' order. */
  readonly rank?: number
  /** Runs before the script's transaction: an enum label added inside one cannot be used until it commits. */
  readonly outside?: boolean
}

export interface PlannedFix {
  readonly steps: readonly Step[]
  /** Alembic lines that undo it (downgrade()); empty when there is nothing to undo. */
  readonly downgrade: string
  /** Whether it holds a statement, not only comments. */
  readonly statement: boolean
}

/** A fix of one step. */
export function planned (phase: Phase, sql: string, alembic: string, downgrade: string, statement = true): PlannedFix {
  return { steps: [{ phase, sql, alembic }], downgrade, statement }
}

/** What a finding shows: every step, in order. */
export function fixText (plan: PlannedFix): FindingFix {
  return { sql: plan.steps.map((s) => s.sql).join('\n'), alembic: plan.steps.map((s) => s.alembic).join('\n') }
}

/** A table as the fix names it, with the source's definitions (columns, keys, indexes) when it has them. */
export interface TableRef {
  readonly schema: string
  readonly name: string
  readonly columns?: ReadonlyMap<string, ExpectedColumn>
  readonly objects?: TableObjects
}

export interface FixContext {
  /** The first schema of SCHEMAS: what an unqualified name in the source means. */
  readonly defaultSchema: string
  /** The table a finding names (`schema.table`). */
  table (qualifiedName: string): TableRef
  /** The source's enum type a finding names (`schema.type`). */
  enumType (qualifiedName: string): (EnumSpec & { readonly schema: string }) | undefined
  /** Labels of that type that findings of the same batch report missing (they are added in label order). */
  missingLabels (qualifiedName: string): ReadonlySet<string>
}

export type Fixer = (finding: Finding, ctx: FixContext) => PlannedFix | undefined

/** A column or table finding as its fixers read it. */
export interface ColumnFinding {
  readonly kind: string
  readonly table: string
  readonly column?: string
  readonly expected?: { readonly type?: string, readonly nullable?: boolean, readonly default?: string | null }
  readonly actual?: { readonly type?: string, readonly nullable?: boolean, readonly default?: string | null }
}

export const columnFinding = (f: Finding): ColumnFinding => f as unknown as ColumnFinding

export function tableSql (t: TableRef): string {
  return qualifiedIdent(t.schema, t.name)
}

/** Alembic's arguments naming a table: `'pdfs'`, or `'events', schema='audit'` outside public. */
export function tableArgs (t: TableRef): { name: string, schema: string } {
  return { name: pyString(t.name), schema: t.schema === 'public' ? '' : `, schema=${pyString(t.schema)}` }
}

/**
 * A string for sa.text() (server_default, op.execute): a colon that SQLAlchemy would read as a
 * bind parameter (`':x'`) is escaped. Undefined when the text already holds `\:`, which
 * SQLAlchemy would unescape.
 */
export function textForSa (sql: string): string | undefined {
  if (sql.includes('\\:')) return undefined
  return sql.replace(/(?<![:\p{L}\p{N}\p{M}_$\\]):(?=[\p{L}\p{N}\p{M}_$]+(?![:\p{L}\p{N}\p{M}_$]))/gu, '\\:')
}

/** `op.execute('...')` for SQL that Alembic has no operation for; a comment when it cannot be passed. */
export function opExecute (sql: string): string {
  const text = textForSa(sql)
  return text === undefined
    ? pyComment(`run by hand (sa.text() would alter its "\\:"): ${sql}`)
    : `op.execute(${pyString(text)})`
}

/** A fix that only says something: for changes that would lose data, or that need a person. */
export function commentFix (phase: Phase, text: string): PlannedFix {
  return planned(phase, sqlComment(text), pyComment(text), '', false)
}

/** `sa.text('...')`, or undefined when the expression cannot pass through sa.text(). */
export function saText (expr: string): string | undefined {
  const text = textForSa(expr)
  return text === undefined ? undefined : `sa.text(${pyString(text)})`
}
