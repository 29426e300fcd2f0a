// A live table's keys, constraints and indexes (read with its columns, in catalog.ts's one
// query), and the enum types (one query a round): what schema:drift compares beyond columns.
import type { Db } from '../postgres/lease.js'
import type { FkAction } from './expected.js'

/**
 * Per table: its primary key, unique, foreign key, CHECK and exclusion constraints as JSON.
 * NOT NULL constraints (contype 'n', PostgreSQL 18) are not checks. A foreign key to a
 * partitioned table also has one row per partition (conparentid set): only the parent row
 * counts. The table's own key columns come as numbers (toTable names them from its columns,
 * whose JSON holds each attnum: a rename still changes the table's digest); the referred
 * table's are named here, with that table, in one lookup, so the digest changes when they are
 * renamed. (A name probe per key column, and per index one lookup of its name and another of
 * its method, made this query 15% slower at 5,000 tables.) No ORDER BY: the index scan gives
 * a stable order, and the caller sorts by name.
 */
export const CONSTRAINTS_LATERAL = `
CROSS JOIN LATERAL (
  SELECT pg_catalog.json_agg(pg_catalog.json_build_array(
           k.conname, k.contype, k.conkey,
           CASE WHEN k.contype OPERATOR(pg_catalog.=) 'f' THEN (
             SELECT pg_catalog.json_build_array(fn.nspname, fc.relname,
                      ARRAY(SELECT (SELECT a.attname FROM pg_catalog.pg_attribute a WHERE a.attrelid OPERATOR(pg_catalog.=) k.confrelid AND a.attnum OPERATOR(pg_catalog.=) u.n)
                              FROM pg_catalog.unnest(k.confkey) u(n)),
                      k.confupdtype, k.confdeltype)
               FROM pg_catalog.pg_class fc JOIN pg_catalog.pg_namespace fn ON fn.oid OPERATOR(pg_catalog.=) fc.relnamespace
              WHERE fc.oid OPERATOR(pg_catalog.=) k.confrelid) END,
           CASE WHEN k.contype OPERATOR(pg_catalog.=) 'c' THEN pg_catalog.pg_get_expr(k.conbin, k.conrelid, true) END,
           k.convalidated)) AS constraints
    FROM pg_catalog.pg_constraint k
   WHERE k.conrelid OPERATOR(pg_catalog.=) c.oid AND k.contype OPERATOR(pg_catalog.=) ANY ('{p,u,f,c,x}'::pg_catalog."char"[]) AND k.conparentid OPERATOR(pg_catalog.=) 0) kc`

/**
 * Per table: its indexes as JSON: key columns as numbers (toTable names them), and for an index
 * with an expression, each expression column as pg_get_indexdef prints it; indoption bits
 * (DESC, NULLS FIRST) and the number of key columns (indkey also holds INCLUDE columns).
 * Operator classes and collations are not read. Whether a constraint made the index is told
 * by name: PostgreSQL keeps a key's index named as its constraint.
 */
export const INDEXES_LATERAL = `
CROSS JOIN LATERAL (
  SELECT pg_catalog.json_agg(pg_catalog.json_build_array(
           ic.relname, i.indisunique, i.indisvalid, am.amname,
           CASE WHEN 0::pg_catalog.int2 OPERATOR(pg_catalog.=) ANY (i.indkey::pg_catalog.int2[]) THEN
             ARRAY(SELECT CASE WHEN i.indkey[u.o] OPERATOR(pg_catalog.=) 0 THEN pg_catalog.pg_get_indexdef(i.indexrelid, u.o OPERATOR(pg_catalog.+) 1, true) END
                     FROM pg_catalog.generate_series(0, i.indnkeyatts OPERATOR(pg_catalog.-) 1) u(o)) END,
           i.indkey::pg_catalog.int2[], i.indoption::pg_catalog.int2[],
           pg_catalog.pg_get_expr(i.indpred, i.indrelid, true), i.indnkeyatts)) AS indexes
    FROM pg_catalog.pg_index i
    JOIN pg_catalog.pg_class ic ON ic.oid OPERATOR(pg_catalog.=) i.indexrelid
    JOIN pg_catalog.pg_am am ON am.oid OPERATOR(pg_catalog.=) ic.relam
   WHERE i.indrelid OPERATOR(pg_catalog.=) c.oid) ix`

// Like the table query (catalog.ts), these name every function and operator with its schema:
// under the app's search_path an unqualified one could resolve to one the database's owner planted.

/** Enum types of the given schemas with their labels in sort order (an enum may have none). */
export const ENUMS_SQL = `
SELECT n.nspname AS schema, t.typname AS name,
       pg_catalog.array_to_json(ARRAY(SELECT e.enumlabel::pg_catalog.text FROM pg_catalog.pg_enum e WHERE e.enumtypid OPERATOR(pg_catalog.=) t.oid ORDER BY e.enumsortorder)) AS labels
  FROM pg_catalog.pg_type t
  JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) t.typnamespace
 WHERE t.typtype OPERATOR(pg_catalog.=) 'e' AND n.nspname OPERATOR(pg_catalog.=) ANY ($1::pg_catalog.text[])`

export interface CatalogConstraint {
  readonly name: string
  /** Exclusion constraints are read only to know their index; they are not compared. */
  readonly kind: 'primary_key' | 'unique' | 'foreign_key' | 'check' | 'exclusion'
  /** Key columns in constraint order (none for a check). */
  readonly columns: readonly string[]
  readonly references?: { readonly schema: string, readonly table: string, readonly columns: readonly string[] }
  readonly onUpdate?: FkAction
  readonly onDelete?: FkAction
  /** A check's expression as pg_get_expr prints it. */
  readonly expression?: string
  /** False for a NOT VALID constraint. */
  readonly validated: boolean
}

export interface IndexElement {
  /** A column name, or an expression as PostgreSQL prints it. */
  readonly text: string
  readonly expression: boolean
  readonly desc: boolean
  readonly nullsFirst: boolean
}

export interface CatalogIndex {
  readonly name: string
  readonly unique: boolean
  /** indisvalid: false after a failed CREATE INDEX CONCURRENTLY. */
  readonly valid: boolean
  readonly method: string
  readonly elements: readonly IndexElement[]
  /** The predicate as pg_get_expr prints it; null when the index is not partial. */
  readonly where: string | null
  /** Made by a primary key, unique or exclusion constraint. */
  readonly ofConstraint: boolean
}

export interface CatalogEnum {
  readonly schema: string
  readonly name: string
  readonly labels: readonly string[]
}

export type ConstraintJson = [name: string, type: string, attnums: number[] | null, fk: [string, string, string[], string, string] | null, expr: string | null, validated: boolean]
/** `expressions`: only for an index with an expression column, its text at that column's position (null elsewhere). */
export type IndexJson = [name: string, unique: boolean, valid: boolean, method: string, expressions: Array<string | null> | null, attnums: number[], options: number[], where: string | null, keyColumns: number]
/** A table's column names by attnum (sparse). */
export type ColumnNames = readonly string[]

const KINDS: Record<string, CatalogConstraint['kind']> = { p: 'primary_key', u: 'unique', f: 'foreign_key', c: 'check', x: 'exclusion' }
const ACTIONS: Record<string, FkAction> = { a: 'no action', r: 'restrict', c: 'cascade', n: 'set null', d: 'set default' }

const byName = (a: { name: string }, b: { name: string }): number => a.name < b.name ? -1 : a.name > b.name ? 1 : 0

export function toConstraints (rows: readonly ConstraintJson[] | null, names: ColumnNames): CatalogConstraint[] {
  const out: CatalogConstraint[] = []
  for (const [name, type, attnums, fk, expression, validated] of rows ?? []) {
    const kind = KINDS[type]
    if (kind === undefined) continue
    const columns = kind === 'check' || kind === 'exclusion' ? [] : (attnums ?? []).map((n) => nameOf(names, n))
    const c: { -readonly [K in keyof CatalogConstraint]: CatalogConstraint[K] } = { name, kind, columns, validated }
    if (fk !== null) {
      c.references = { schema: fk[0], table: fk[1], columns: fk[2] ?? [] }
      c.onUpdate = ACTIONS[fk[3]] ?? 'no action'
      c.onDelete = ACTIONS[fk[4]] ?? 'no action'
    }
    if (expression !== null) c.expression = oneLine(expression)
    out.push(c)
  }
  return out.sort(byName)
}

// indoption bits (src/include/catalog/pg_index.h).
const INDOPTION_DESC = 1
const INDOPTION_NULLS_FIRST = 2

/** `keyed`: names of the constraints that own an index of the same name (primary key, unique, exclusion). */
export function toIndexes (rows: readonly IndexJson[] | null, keyed: ReadonlySet<string>, names: ColumnNames): CatalogIndex[] {
  return (rows ?? []).map(([name, unique, valid, method, expressions, attnums, options, where, keyColumns]) => {
    const elements: IndexElement[] = []
    for (let k = 0; k < keyColumns; k++) {
      const opt = options[k] ?? 0
      const attnum = attnums[k] ?? 0
      const expression = attnum === 0
      const text = expression ? oneLine(expressions?.[k] ?? '') : nameOf(names, attnum)
      elements.push({ text, expression, desc: (opt & INDOPTION_DESC) !== 0, nullsFirst: (opt & INDOPTION_NULLS_FIRST) !== 0 })
    }
    return {
      name,
      unique,
      valid,
      method,
      elements,
      where: where === null ? null : oneLine(where),
      ofConstraint: keyed.has(name)
    }
  }).sort(byName)
}

// A key column is a live column of its table (dropping a column drops its keys and indexes).
// A key or index column is always a live column of its table (dropping a column drops what
// uses it; system columns take no key or index), so the number only shows if that ever breaks.
const nameOf = (names: ColumnNames, attnum: number): string => names[attnum] ?? String(attnum)

/** Pretty-printed expressions break CASE over lines; one line reads better in a manifest and a message. */
function oneLine (text: string): string {
  return /\s{2}|\n/.test(text) ? text.replace(/('(?:[^']|'')*'|"(?:[^"]|"")*")|\s+/g, (m, quoted: string | undefined) => quoted ?? ' ').trim() : text
}

/** The enum types of the given schemas. */
export async function readEnums (db: Db, schemas: readonly string[]): Promise<CatalogEnum[]> {
  const rows = await db.query<{ schema: string, name: string, labels: string[] }>(ENUMS_SQL, [[...new Set(schemas)]])
  return rows.map((r) => ({ schema: r.schema, name: r.name, labels: r.labels }))
}
