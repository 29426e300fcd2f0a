// The live schema, read from pg_catalog in two set-based queries (never information_schema,
// never one query per table), limited to the given schemas. Every query here cannot fail on a
// healthy server: an error would abort the check's read-only transaction.
import type { Db } from '../postgres/lease.js'

/** Ordinary and partitioned tables; partitions are left out (their parent stands for them), views are not tables. */
export const TABLES_SQL = `
SELECT c.oid, n.nspname AS schema, c.relname AS name
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition AND n.nspname = ANY($1::text[])`

/**
 * Live columns of those tables. The default is looked up only where atthasdef (an index probe),
 * not joined (a hash join that spills at 100,000 columns), and rows are not sorted here:
 * readCatalog puts each table's columns in attnum order. A default cannot refer to a column,
 * so it is deparsed without its relation (relid 0), which skips building a per-table context
 * and makes the query a third faster at 100,000 columns; a generated column's expression does
 * refer to columns and keeps its relation.
 */
export const COLUMNS_SQL = `
SELECT a.attrelid AS oid, a.attnum, a.attname AS name,
       pg_catalog.format_type(a.atttypid, a.atttypmod) AS type,
       a.attnotnull AS not_null,
       CASE WHEN a.atthasdef THEN (SELECT pg_catalog.pg_get_expr(d.adbin, CASE WHEN a.attgenerated = '' THEN 0 ELSE d.adrelid END) FROM pg_catalog.pg_attrdef d
                                   WHERE d.adrelid = a.attrelid AND d.adnum = a.attnum) END AS expr,
       a.attidentity AS identity, a.attgenerated AS generated
FROM pg_catalog.pg_attribute a
JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition AND n.nspname = ANY($1::text[])
  AND a.attnum > 0 AND NOT a.attisdropped`

/** Supabase manages these; they are compared only when SCHEMAS names them. */
export const SUPABASE_SCHEMAS: ReadonlySet<string> = new Set([
  'auth', 'storage', 'realtime', 'extensions', 'graphql', 'graphql_public', 'vault', 'pgsodium', 'pgsodium_masks',
  'supabase_functions', 'supabase_migrations', 'cron', 'net', 'pgbouncer', '_realtime', '_analytics'
])

export interface CatalogColumn {
  readonly name: string
  /** As format_type prints it. */
  readonly type: string
  readonly nullable: boolean
  /** The default expression as pg_get_expr prints it; null when none (identity and generated columns have none). */
  readonly default: string | null
  readonly identity?: 'always' | 'by default'
  /** Generation expression of a stored generated column. */
  readonly generated?: string
}

export interface CatalogTable {
  readonly schema: string
  readonly name: string
  /** In table order. */
  readonly columns: readonly CatalogColumn[]
  readonly byName: ReadonlyMap<string, CatalogColumn>
}

export interface CatalogSnapshot {
  readonly schemas: readonly string[]
  /** Keyed by `tableKey(schema, name)`. */
  readonly tables: ReadonlyMap<string, CatalogTable>
}

export function tableKey (schema: string, name: string): string {
  return `${schema}\u0000${name}`
}

interface TableRow extends Record<string, unknown> { oid: number, schema: string, name: string }
interface ColumnRow extends Record<string, unknown> {
  oid: number, attnum: number, name: string, type: string, not_null: boolean, expr: string | null, identity: string, generated: string
}

const IDENTITY: Record<string, CatalogColumn['identity']> = { a: 'always', d: 'by default' }

interface Building { columns: CatalogColumn[], attnums: number[], sorted: boolean }

export async function readCatalog (db: Db, schemas: readonly string[]): Promise<CatalogSnapshot> {
  const list = [...new Set(schemas)]
  const tableRows = await db.query<TableRow>(TABLES_SQL, [list])
  const columnRows = await db.query<ColumnRow>(COLUMNS_SQL, [list])
  // Plain loops and assignments: this runs for every column (100,000 in a big schema) every round.
  const byOid = new Map<number, Building>()
  for (const r of columnRows) {
    let b = byOid.get(r.oid)
    if (b === undefined) byOid.set(r.oid, b = { columns: [], attnums: [], sorted: true })
    const generated = r.generated !== '' && r.expr !== null
    const column: { -readonly [K in keyof CatalogColumn]: CatalogColumn[K] } = { name: r.name, type: r.type, nullable: !r.not_null, default: generated ? null : r.expr }
    const identity = IDENTITY[r.identity]
    if (identity !== undefined) column.identity = identity
    if (generated) column.generated = r.expr!
    // The index scan returns each table's columns in attnum order; sort only if it did not.
    if (b.attnums.length > 0 && r.attnum < b.attnums[b.attnums.length - 1]!) b.sorted = false
    b.columns.push(column)
    b.attnums.push(r.attnum)
  }
  const tables = new Map<string, CatalogTable>()
  for (const r of tableRows) {
    const b = byOid.get(r.oid)
    const columns = b === undefined ? [] : b.sorted ? b.columns : b.columns.map((c, i) => ({ c, n: b.attnums[i]! })).sort((x, y) => x.n - y.n).map((x) => x.c)
    const byName = new Map<string, CatalogColumn>()
    for (const c of columns) byName.set(c.name, c)
    tables.set(tableKey(r.schema, r.name), { schema: r.schema, name: r.name, columns, byName })
  }
  return { schemas: list, tables }
}
