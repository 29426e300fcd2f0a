// The Alembic version table, read so that none of the database's code runs in our session, and
// in bounded memory however many rows someone inserted. Shared by alembic:revision and snapshot.
//
// Its owner can plant code that runs in whatever session merely reads a table: a view runs its
// query; row-level security policies run their expressions for roles that do not bypass RLS;
// and planning any SELECT of a plain table folds its partial-index predicates, index and
// statistics expressions (and, with constraint_exclusion on, CHECK constraints), calling their
// immutable functions. So the rows are read with COPY, which is never planned, after the
// catalog has said what the relation is, so that a refusal can say what it found.
import { SentinelError } from '../errors.js'
import type { Config } from '../config.js'
import type { Db, QualifiedName } from './lease.js'
import { APP_SEARCH_PATH, PIN_SEARCH_PATH } from './search-path.js'

/** Alembic keeps one row per head; more than this many is not a version table. */
export const VERSION_ROWS_LIMIT = 100
/** Beyond this on disk, rows are not read at all (COPY would stream every one of them). */
export const VERSION_TABLE_MAX_BYTES = 8 * 1024 * 1024
/** Longer values are cut: a revision id is a few dozen characters. */
export const REVISION_MAX_LENGTH = 256

const RESOLVE = 'SELECT pg_catalog.to_regclass($1::pg_catalog.text)::pg_catalog.oid::pg_catalog.text AS oid'

// Runs under the pinned search_path (pg_catalog, pg_temp). The rows to read are the table's own
// (COPY of a table never includes inheritance children) or, for a partitioned table, its leaves.
const INSPECT = `
SELECT n.nspname AS schema, c.relname AS name, c.relkind::text AS kind, current_user AS role,
       pg_catalog.row_security_active(c.oid) AS rls,
       EXISTS (SELECT FROM pg_catalog.pg_attribute a
                WHERE a.attrelid = c.oid AND a.attname = 'version_num' AND a.attnum > 0 AND NOT a.attisdropped) AS has_column,
       GREATEST(c.reltuples, pg_catalog.pg_stat_get_live_tuples(c.oid))::float8 AS estimate,
       p.leaves, p.other_leaf, p.bytes
  FROM pg_catalog.pg_class c
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
 CROSS JOIN LATERAL (
   SELECT pg_catalog.json_agg(pg_catalog.json_build_array(ln.nspname, lc.relname)) FILTER (WHERE lc.relkind = 'r') AS leaves,
          pg_catalog.min(pg_catalog.format('%s.%s (relkind %s)', ln.nspname, lc.relname, lc.relkind)) FILTER (WHERE lc.relkind <> 'r' AND lc.relkind <> 'p') AS other_leaf,
          COALESCE(pg_catalog.sum(pg_catalog.pg_table_size(lc.oid)) FILTER (WHERE lc.relkind = 'r'), 0)::float8 AS bytes
     FROM (SELECT c.oid AS relid WHERE c.relkind = 'r'
           UNION ALL
           SELECT t.relid::oid FROM pg_catalog.pg_partition_tree(c.oid) t WHERE c.relkind = 'p' AND t.isleaf) l
     JOIN pg_catalog.pg_class lc ON lc.oid = l.relid
     JOIN pg_catalog.pg_namespace ln ON ln.oid = lc.relnamespace) p
 WHERE c.oid = $1::oid`

interface Inspected extends Record<string, unknown> {
  schema: string
  name: string
  kind: string
  role: string
  rls: boolean
  has_column: boolean
  estimate: number
  leaves: Array<[string, string]> | null
  other_leaf: string | null
  bytes: number
}

const KINDS: Record<string, string> = {
  v: 'a view', m: 'a materialized view', f: 'a foreign table', S: 'a sequence', i: 'an index',
  I: 'a partitioned index', c: 'a composite type', t: 'a TOAST table'
}

/** The version table cannot or must not be read; `problem` says why, in words for people. */
export class VersionTableError extends SentinelError {
  override name = 'VersionTableError' as const
  constructor (readonly table: string, readonly problem: string) {
    super(`version table ${table} ${problem}`)
  }
}

/**
 * The values of version_num (NULLs left out), or undefined when the table does not exist. An
 * unqualified name is looked up along the session's default search_path, where Alembic finds it.
 * Throws VersionTableError when it is not a plain table, when row-level security would apply to
 * us, or when it holds more than `limit` rows.
 */
export async function readVersionTable (db: Db, table: Config['alembicVersionTable'], limit = VERSION_ROWS_LIMIT): Promise<string[] | undefined> {
  const quoted = [table.schema, table.table].filter((p) => p !== undefined).map((p) => `"${p.replace(/"/g, '""')}"`).join('.')
  if (table.schema === undefined) await db.query(APP_SEARCH_PATH)
  const [found] = await db.query<{ oid: string | null }>(RESOLVE, [quoted])
  if (table.schema === undefined) await db.query(PIN_SEARCH_PATH)
  if (found?.oid == null) return undefined
  const [rel] = await db.query<Inspected>(INSPECT, [found.oid])
  if (rel === undefined) return undefined // dropped in between
  const display = `${rel.schema}.${rel.name}`
  const refuse = (problem: string): VersionTableError => new VersionTableError(display, problem)

  if (rel.kind !== 'r' && rel.kind !== 'p') {
    const why = rel.kind === 'v' ? ' (reading a view runs its query)' : ''
    throw refuse(`is ${KINDS[rel.kind] ?? `relkind ${rel.kind}`}, not a table: schema-sentinel reads only a plain table${why}`)
  }
  if (rel.other_leaf !== null) throw refuse(`has a partition that is not a plain table: ${rel.other_leaf}`)
  if (rel.rls) {
    throw refuse(`has row-level security that applies to role ${rel.role}: schema-sentinel does not run its policies (turn row-level security off on the version table, or give the role BYPASSRLS)`)
  }
  if (!rel.has_column) throw refuse('has no version_num column')
  if (rel.bytes > VERSION_TABLE_MAX_BYTES) {
    const about = rel.estimate > 0 ? `about ${Math.round(rel.estimate)} rows, ` : ''
    throw refuse(`holds ${about}${megabytes(rel.bytes)} on disk, expected at most ${limit} rows (Alembic keeps one row per head)`)
  }

  const values: string[] = []
  let rows = 0
  const keep = (value: string | null): void => {
    rows++
    if (value !== null && values.length <= limit) values.push(value.slice(0, REVISION_MAX_LENGTH))
  }
  if (db.copyColumn === undefined) throw new Error('this database handle cannot read a table with COPY')
  for (const [schema, name] of rel.leaves ?? []) await db.copyColumn({ schema, name } satisfies QualifiedName, 'version_num', keep)
  if (rows > limit) throw refuse(`has ${rows} rows, expected at most ${limit} (Alembic keeps one row per head)`)
  return values
}

function megabytes (bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.ceil(bytes / 1024)} kB`
}
