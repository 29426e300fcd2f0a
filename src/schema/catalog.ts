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

/** Live columns of those tables, in table order; a generated column's expression is not a default. */
export const COLUMNS_SQL = `
SELECT a.attrelid AS oid, a.attname AS name,
       pg_catalog.format_type(a.atttypid, a.atttypmod) AS type,
       a.attnotnull AS not_null,
       pg_catalog.pg_get_expr(d.adbin, d.adrelid) AS expr,
       a.attidentity AS identity, a.attgenerated AS generated
FROM pg_catalog.pg_attribute a
JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition AND n.nspname = ANY($1::text[])
  AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attrelid, a.attnum`

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

interface TableRow extends Record<string, unknown> { oid: number | string, schema: string, name: string }
interface ColumnRow extends Record<string, unknown> {
  oid: number | string, name: string, type: string, not_null: boolean, expr: string | null, identity: string, generated: string
}

const IDENTITY: Record<string, CatalogColumn['identity']> = { a: 'always', d: 'by default' }

export async function readCatalog (db: Db, schemas: readonly string[]): Promise<CatalogSnapshot> {
  const list = [...new Set(schemas)]
  const tableRows = await db.query<TableRow>(TABLES_SQL, [list])
  const columnRows = await db.query<ColumnRow>(COLUMNS_SQL, [list])
  const columnsByOid = new Map<string, CatalogColumn[]>()
  for (const r of columnRows) {
    const oid = String(r.oid)
    let cols = columnsByOid.get(oid)
    if (cols === undefined) columnsByOid.set(oid, cols = [])
    const generated = r.generated !== '' && r.expr !== null
    cols.push({
      name: r.name,
      type: r.type,
      nullable: !r.not_null,
      default: generated ? null : r.expr,
      ...(IDENTITY[r.identity] !== undefined ? { identity: IDENTITY[r.identity] } : {}),
      ...(generated ? { generated: r.expr! } : {})
    })
  }
  const tables = new Map<string, CatalogTable>()
  for (const r of tableRows) {
    const columns = columnsByOid.get(String(r.oid)) ?? []
    tables.set(tableKey(r.schema, r.name), {
      schema: r.schema,
      name: r.name,
      columns,
      byName: new Map(columns.map((c) => [c.name, c]))
    })
  }
  return { schemas: list, tables }
}
