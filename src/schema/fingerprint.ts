// A cheap fingerprint of everything schema:drift reads from the catalog, so that a round on an
// unchanged database can reuse the last round's result instead of describing every column again.
//
// Why it is sound: PostgreSQL changes a catalog row by writing a new row version, whose xmin is
// the writing transaction's id, and deletes one by making it invisible; so any committed DDL
// changes, in some catalog below, the number of visible rows or the multiset of their xmins.
// Every row written after a snapshot carries the id of a transaction that snapshot could not see,
// and every row it removes carried one it could: the two never cancel in (count, sum of xmin),
// except by an exact arithmetic coincidence of ids. Read in the check's own REPEATABLE READ
// snapshot, before anything else: whatever the round's read then describes is that snapshot or
// newer (PostgreSQL never lets the catalog snapshot that format_type and pg_get_expr use be older
// than the transaction's), so a change the read missed changes the next round's fingerprint.
//
// - xmin is read through age(xid), a plain function of the xid (casting 240,000 xids to text
//   doubles the cost): B = age('3'::xid) is "the current xid - 3" in the same frame, and
//   n * B - sum(age(xmin)) is sum(xmin - 3), the same in every round until something changes.
//   VACUUM FREEZE keeps a row's raw xmin (PostgreSQL 9.4+). An id that leaves age()'s int32
//   frame (every 2^31 transactions) only makes one spurious re-read.
// - Not transactional, so not used: the cumulative statistics counters (they lag and reset).
// - In-place updates (VACUUM's relpages, relhasindex, relfrozenxid) write no new version; none
//   of them is read. indisvalid/indisready are counted as values too, whichever way a server
//   version writes them.
// - Roles are read through pg_roles (pg_authid's xmin is not readable without superuser): a
//   renamed role changes how grants and policies print.
// - The settings that change how names print (the app's search_path, quote_all_identifiers)
//   and the server version are part of it.
// Policies, relacl and relrowsecurity (the security manifest keys) live in pg_policy and
// pg_class, both covered. Anything a new catalog read of schema:drift reads must be covered here.
import type { Db } from '../postgres/lease.js'

/** The catalogs schema:drift's reads depend on (pg_proc, pg_operator and pg_collation: names in printed expressions). */
export const FINGERPRINTED_CATALOGS = [
  'pg_namespace', 'pg_class', 'pg_attribute', 'pg_attrdef', 'pg_constraint', 'pg_index', 'pg_type',
  'pg_enum', 'pg_policy', 'pg_am', 'pg_proc', 'pg_operator', 'pg_collation', 'pg_auth_members'
] as const

/** A catalog a fingerprint can count, with the rows it counts (`x` is the row). */
export interface FingerprintPart {
  readonly catalog: 'pg_depend' | typeof FINGERPRINTED_CATALOGS[number]
  readonly where?: string
}

// pg_attribute holds most rows (a table's system columns, attnum < 0, come and go with its pg_class row).
const WHERE: Partial<Record<FingerprintPart['catalog'], string>> = {
  pg_attribute: 'x.attnum OPERATOR(pg_catalog.>) 0'
}
const EXTRA_COLUMNS: Partial<Record<FingerprintPart['catalog'], string>> = {
  pg_index: ', pg_catalog.count(*) FILTER (WHERE x.indisvalid) AS valid, pg_catalog.count(*) FILTER (WHERE x.indisready) AS ready, pg_catalog.count(*) FILTER (WHERE x.indislive) AS live'
}
const EXTRA: Partial<Record<FingerprintPart['catalog'], string>> = {
  pg_index: ", ' ', n.valid, ' ', n.ready, ' ', n.live"
}

// OPERATOR(...) forms all share one precedence, left to right: hence the parentheses.
// age() gives INT_MAX for the special ids (1 bootstrap, 2 frozen before 9.4): those rows are
// only counted, since "INT_MAX in the current frame" moves with every transaction.
const SPECIAL = '(x.xmin OPERATOR(pg_catalog.=) 1 OR x.xmin OPERATOR(pg_catalog.=) 2)'
const part = ({ catalog, where = WHERE[catalog] }: FingerprintPart): string =>
  `(SELECT pg_catalog.concat('${catalog} ', n.total, ' ', n.special, ' ', ((n.total OPERATOR(pg_catalog.-) n.special) OPERATOR(pg_catalog.*) b.base) OPERATOR(pg_catalog.-) (n.ages OPERATOR(pg_catalog.-) (n.special OPERATOR(pg_catalog.*) 2147483647))${EXTRA[catalog] ?? ''})
     FROM (SELECT pg_catalog.count(*) AS total, pg_catalog.count(*) FILTER (WHERE ${SPECIAL}) AS special, COALESCE(pg_catalog.sum(pg_catalog.age(x.xmin)), 0) AS ages${EXTRA_COLUMNS[catalog] ?? ''}
             FROM pg_catalog.${catalog} x${where === undefined ? '' : ` WHERE ${where}`}) n)`

/**
 * One row, one text: (count, xmin sum) of each part, the roles with the attributes that change
 * what they may do (pg_roles: pg_authid's xmin is not readable without superuser), and the
 * settings named. Every function and operator is named with its schema, like the other catalog
 * reads: no code of the database's own may run in our session.
 */
export function fingerprintSql (parts: readonly FingerprintPart[], settings: readonly string[]): string {
  return `
SELECT pg_catalog.concat_ws(E'\\n',
  ${parts.map(part).join(',\n  ')},
  (SELECT pg_catalog.concat('roles ', pg_catalog.count(*), ' ', pg_catalog.sum(pg_catalog.hashtext(pg_catalog.concat_ws(' ', r.oid, r.rolname, r.rolsuper, r.rolbypassrls, r.rolinherit))::pg_catalog.int8))
     FROM pg_catalog.pg_roles r),
  (SELECT pg_catalog.string_agg(s.name OPERATOR(pg_catalog.||) '=' OPERATOR(pg_catalog.||) s.reset_val, ' ' ORDER BY s.name)
     FROM pg_catalog.pg_settings s WHERE s.name OPERATOR(pg_catalog.=) ANY ('{${settings.join(',')}}'::pg_catalog.text[]))
) AS fingerprint
FROM (SELECT pg_catalog.age('3'::pg_catalog.xid)::pg_catalog.int8 AS base) b`
}

export const FINGERPRINT_SQL = fingerprintSql(FINGERPRINTED_CATALOGS.map((catalog) => ({ catalog })), ['quote_all_identifiers', 'search_path', 'server_version_num'])

/** The fingerprint of the catalog as the current transaction's snapshot sees it. */
export async function readFingerprint (db: Db, sql = FINGERPRINT_SQL): Promise<string> {
  const rows = await db.query<{ fingerprint: string }>(sql)
  return rows[0]?.fingerprint ?? ''
}
