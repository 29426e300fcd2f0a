// The live schema, read from pg_catalog by one set-based query (never information_schema,
// never one query per table), limited to the given schemas. Every query here cannot fail on a
// healthy server: an error would abort the check's read-only transaction.
import { createHash } from 'node:crypto'
import type { Db } from '../postgres/lease.js'
import { APP_SEARCH_PATH } from '../postgres/search-path.js'
import {
  CONSTRAINTS_LATERAL, INDEXES_LATERAL, readEnums, toConstraints, toIndexes,
  type CatalogConstraint, type CatalogEnum, type CatalogIndex, type ConstraintJson, type IndexJson
} from './catalog-objects.js'

/**
 * Ordinary and partitioned tables (partitions are left out: their parent stands for them; views
 * are not tables), each with its live columns in attnum order as one JSON array of seven arrays,
 * one per attribute (names, types, ...): one row per table rather than per column allocates less
 * than half as much in Node at 100,000 columns, and seven aggregates of plain values cost the
 * server less than building an array per column (the query takes some 15% less at 5,000 tables).
 * The default is looked up only where atthasdef (an index probe), not joined (a hash join that
 * spills at 100,000 columns). A default cannot refer to a column, so it is deparsed without its
 * relation (relid 0), which skips building a per-table context and makes the query a third
 * faster; a generated column's expression does refer to columns and keeps its relation.
 * Its constraints and indexes come in the same row (catalog-objects.ts). `hash` is a digest of
 * the three: everything the diff reads of a table but its name.
 *
 * These run with the app's search_path (APP_SEARCH_PATH) and so name every function and operator
 * with its schema: an unqualified one could resolve to a function the database's owner planted.
 */
const TABLES_FROM = `
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) c.relnamespace
CROSS JOIN LATERAL (
  SELECT pg_catalog.json_build_array(
           pg_catalog.array_agg(a.attname ORDER BY a.attnum),
           pg_catalog.array_agg(pg_catalog.format_type(a.atttypid, a.atttypmod) ORDER BY a.attnum),
           pg_catalog.array_agg(a.attnotnull ORDER BY a.attnum),
           pg_catalog.array_agg(CASE WHEN a.atthasdef THEN (SELECT pg_catalog.pg_get_expr(d.adbin, CASE WHEN a.attgenerated OPERATOR(pg_catalog.=) '' THEN 0 ELSE d.adrelid END)
                                                            FROM pg_catalog.pg_attrdef d WHERE d.adrelid OPERATOR(pg_catalog.=) a.attrelid AND d.adnum OPERATOR(pg_catalog.=) a.attnum) END ORDER BY a.attnum),
           pg_catalog.array_agg(a.attidentity ORDER BY a.attnum),
           pg_catalog.array_agg(a.attgenerated ORDER BY a.attnum),
           pg_catalog.array_agg(a.attnum ORDER BY a.attnum)) AS columns
    FROM pg_catalog.pg_attribute a
   WHERE a.attrelid OPERATOR(pg_catalog.=) c.oid AND a.attnum OPERATOR(pg_catalog.>) 0 AND NOT a.attisdropped) l${CONSTRAINTS_LATERAL}${INDEXES_LATERAL}
WHERE c.relkind OPERATOR(pg_catalog.=) ANY ('{r,p}'::pg_catalog."char"[]) AND NOT c.relispartition
  AND n.nspname OPERATOR(pg_catalog.=) ANY ($1::pg_catalog.text[])`
/**
 * The digest, server side, for the rounds that read only digests (TABLE_HASHES_SQL). A read of
 * the tables themselves computes the same digest from the texts it receives (tableDigest):
 * textsend gives the text in the session's client encoding, the bytes the server sends; the
 * received strings encode back to them when that encoding is UTF-8 (node-postgres reads every
 * text as UTF-8; a UTF-8 database's default). Otherwise a table with text outside ASCII gets
 * another digest here than on the server: it is read again, whole, each time the catalog
 * changes. A digest only decides whether to read a table, never what is found in it.
 */
const HASH = "pg_catalog.encode(pg_catalog.sha256(pg_catalog.textsend(COALESCE(l.columns::pg_catalog.text, '') OPERATOR(pg_catalog.||) COALESCE(kc.constraints::pg_catalog.text, '') OPERATOR(pg_catalog.||) COALESCE(ix.indexes::pg_catalog.text, ''))), 'base64')"

/**
 * Every table with its columns. The JSON comes as text, parsed by toTable (and digested by
 * tableDigest) as the caller takes each table: node-postgres would parse it as the rows arrive,
 * while the server waits for the next FETCH; done later, it overlaps with the server preparing
 * the next batch.
 */
export const CATALOG_SQL = `SELECT n.nspname AS schema, c.relname AS name, l.columns::pg_catalog.text AS columns, kc.constraints::pg_catalog.text AS constraints, ix.indexes::pg_catalog.text AS indexes${TABLES_FROM}`
/** Every table with its digest only: a few bytes a table instead of its columns. */
export const TABLE_HASHES_SQL = `SELECT n.nspname AS schema, c.relname AS name, c.oid::pg_catalog.text AS oid, ${HASH} AS hash${TABLES_FROM}`
/** The tables given by oid ($2), with their columns. */
export const CHANGED_TABLES_SQL = `${CATALOG_SQL} AND c.oid OPERATOR(pg_catalog.=) ANY ($2::pg_catalog.oid[])`

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
  /** Primary key, unique, foreign key and check constraints, by name (absent: none read). */
  readonly constraints?: readonly CatalogConstraint[]
  /** By name (absent: none read). */
  readonly indexes?: readonly CatalogIndex[]
}

export interface CatalogSnapshot {
  readonly schemas: readonly string[]
  /** Keyed by `tableKey(schema, name)`. */
  readonly tables: ReadonlyMap<string, CatalogTable>
  /** Keyed by `tableKey(schema, name)` (absent: none read). */
  readonly enums?: ReadonlyMap<string, CatalogEnum>
}

export function tableKey (schema: string, name: string): string {
  return `${schema}\u0000${name}`
}

/** Per attribute, an array over the columns (all null for a table without columns). */
type ColumnsJson = [names: string[] | null, types: string[] | null, notNull: boolean[] | null, exprs: Array<string | null> | null, identity: string[] | null, generated: string[] | null, attnums: number[] | null]
/** columns, constraints and indexes: JSON text of ColumnsJson, ConstraintJson[] and IndexJson[]. */
interface TableRow extends Record<string, unknown> {
  schema: string, name: string, columns: string | null, constraints: string | null, indexes: string | null
}
export interface TableHash extends Record<string, unknown> { readonly schema: string, readonly name: string, readonly oid: string, readonly hash: string }

/** A live table and the digest of its columns (equal digests: equal columns). */
export interface HashedTable {
  readonly table: CatalogTable
  readonly hash: string
}

const IDENTITY: Record<string, CatalogColumn['identity']> = { a: 'always', d: 'by default' }

/** Tables per FETCH: small enough that a batch dies young in V8's new space instead of being promoted. */
export const CATALOG_BATCH = 100

/**
 * The live tables (all of them, or those whose oids are given), a batch at a time through a
 * cursor inside the check's read-only transaction (one snapshot; a transaction pooler keeps a
 * transaction on one server connection). Reading 100,000 columns in one result held them all at
 * once: some 55 MB of V8 old space, which the process kept as resident memory.
 */
export async function * catalogTables (db: Db, schemas: readonly string[], opts: { readonly oids?: readonly string[], readonly batch?: number } = {}): AsyncGenerator<HashedTable> {
  const batch = opts.batch ?? CATALOG_BATCH
  const list = [...new Set(schemas)]
  if (opts.oids?.length === 0) return
  const [sql, params] = opts.oids === undefined ? [CATALOG_SQL, [list]] : [CHANGED_TABLES_SQL, [list, opts.oids]]
  await db.query(APP_SEARCH_PATH)
  await db.query(`DECLARE schema_sentinel_catalog NO SCROLL CURSOR FOR ${sql}`, params)
  const types = new Map<string, string>() // one string per type name, not one per column
  const fetch = (): Promise<TableRow[]> => {
    const next = db.query<TableRow>(`FETCH FORWARD ${batch} FROM schema_sentinel_catalog`)
    next.catch(() => {}) // observed by the await below, unless the caller stops reading first
    return next
  }
  let pending = fetch()
  for (;;) {
    const rows = await pending
    const last = rows.length < batch
    // The server prepares the next batch while the caller compares this one.
    if (!last) pending = fetch()
    for (const r of rows) yield { table: toTable(r, types), hash: tableDigest(r) }
    if (last) break
  }
  // Only after a clean read: after an error the transaction is aborted and ROLLBACK closes it.
  await db.query('CLOSE schema_sentinel_catalog')
}

/** Every live table's digest, without its columns. */
export async function readTableHashes (db: Db, schemas: readonly string[]): Promise<TableHash[]> {
  await db.query(APP_SEARCH_PATH)
  return await db.query<TableHash>(TABLE_HASHES_SQL, [[...new Set(schemas)]])
}

/** The whole live schema at once (`snapshot` needs it all; the drift check streams). */
export async function readCatalog (db: Db, schemas: readonly string[]): Promise<CatalogSnapshot> {
  const tables = new Map<string, CatalogTable>()
  for await (const { table } of catalogTables(db, schemas)) tables.set(tableKey(table.schema, table.name), table)
  const enums = new Map((await readEnums(db, schemas)).map((e) => [tableKey(e.schema, e.name), e]))
  return { schemas: [...new Set(schemas)], tables, enums }
}

/** HASH's digest of a row of CATALOG_SQL: sha256 of the three texts run together, in base64 (44 characters: no line breaks). */
export function tableDigest (r: Pick<TableRow, 'columns' | 'constraints' | 'indexes'>): string {
  return createHash('sha256').update(r.columns ?? '').update(r.constraints ?? '').update(r.indexes ?? '').digest('base64')
}

// Plain loops and assignments: this runs for every column (100,000 in a big schema) every round.
function toTable (r: TableRow, types: Map<string, string>): CatalogTable {
  const columns: CatalogColumn[] = []
  const names: string[] = [] // by attnum: keys and indexes come with column numbers
  const [colNames, texts, notNulls, exprs, identities, generations, attnums] = r.columns === null ? [] : JSON.parse(r.columns) as ColumnsJson
  const count = colNames?.length ?? 0
  for (let i = 0; i < count; i++) {
    const name = colNames![i]!
    const text = texts![i]!
    const expr = exprs![i] ?? null
    names[attnums![i]!] = name
    let type = types.get(text)
    if (type === undefined) types.set(text, type = text)
    const generated = generations![i] !== '' && expr !== null
    const column: { -readonly [K in keyof CatalogColumn]: CatalogColumn[K] } = { name, type, nullable: !notNulls![i]!, default: generated ? null : expr }
    const identity = IDENTITY[identities![i]!]
    if (identity !== undefined) column.identity = identity
    if (generated) column.generated = expr!
    columns.push(column)
  }
  const constraints = toConstraints(r.constraints === null ? null : JSON.parse(r.constraints) as ConstraintJson[], names)
  const keyed = new Set<string>()
  for (const c of constraints) if (c.kind === 'primary_key' || c.kind === 'unique' || c.kind === 'exclusion') keyed.add(c.name)
  return { schema: r.schema, name: r.name, columns, constraints, indexes: toIndexes(r.indexes === null ? null : JSON.parse(r.indexes) as IndexJson[], keyed, names) }
}
