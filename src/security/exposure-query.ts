// What the Data API's roles can reach, read from pg_catalog in one set-based query (never one
// query per table). Everything it calls and compares with is pg_catalog's, qualified, operators
// included: the database's owner can plant functions and operators on the search_path, and none
// of them may run in our session.

/**
 * $1: the exposed role names, $2: the exposed schemas.
 *
 * One row per relation an existing exposed role can reach, each with the sorted list of those
 * roles that exist (`roles`); when it reaches nothing, a single row whose relation columns are
 * null, so "no role exists" and "nothing is reachable" stay apart in one statement.
 *
 * Reaching means USAGE on the schema and SELECT, INSERT, UPDATE or DELETE on the relation,
 * held directly, through PUBLIC or through a membership (has_*_privilege count all three).
 * SELECT, INSERT and UPDATE count when granted on some columns only (has_any_column_privilege):
 * `GRANT SELECT (email) ON users TO anon` exposes those columns. Partitions are left out: their
 * partitioned parent stands for them, and PostgREST does not serve them. `OFFSET 0` keeps the
 * planner from inlining the privilege list into both the filter and the output, which would
 * ask every privilege twice (about 10% of the query at 5,000 tables).
 */
export const EXPOSURE_SQL = `
WITH exposed AS (
  SELECT r.oid, r.rolname
    FROM pg_catalog.pg_roles r
   WHERE r.rolname OPERATOR(pg_catalog.=) ANY ($1::pg_catalog.text[])
), found AS (
  SELECT pg_catalog.array_agg(e.rolname::pg_catalog.text ORDER BY e.rolname) AS roles FROM exposed e
)
SELECT found.roles, x.schema, x.name, x.kind, x.rls, x.force_rls, x.options, x.has_policy, x.extension_member, x.grants
  FROM found
  LEFT JOIN LATERAL (
    SELECT n.nspname::pg_catalog.text AS schema, c.relname::pg_catalog.text AS name, c.relkind::pg_catalog.text AS kind,
           c.relrowsecurity AS rls, c.relforcerowsecurity AS force_rls, c.reloptions::pg_catalog.text[] AS options,
           EXISTS (SELECT FROM pg_catalog.pg_policy p WHERE p.polrelid OPERATOR(pg_catalog.=) c.oid) AS has_policy,
           EXISTS (SELECT FROM pg_catalog.pg_depend d
                    WHERE d.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_class'::pg_catalog.regclass
                      AND d.objid OPERATOR(pg_catalog.=) c.oid
                      AND d.deptype OPERATOR(pg_catalog.=) 'e'::pg_catalog."char") AS extension_member,
           g.grants
      FROM pg_catalog.pg_class c
      JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) c.relnamespace
     CROSS JOIN LATERAL (
       SELECT pg_catalog.json_object_agg(e.rolname, p.privileges ORDER BY e.rolname) AS grants
         FROM exposed e
        CROSS JOIN LATERAL (
          SELECT pg_catalog.array_remove(ARRAY[
                   CASE WHEN pg_catalog.has_any_column_privilege(e.oid, c.oid, 'SELECT') THEN 'select' END,
                   CASE WHEN pg_catalog.has_any_column_privilege(e.oid, c.oid, 'INSERT') THEN 'insert' END,
                   CASE WHEN pg_catalog.has_any_column_privilege(e.oid, c.oid, 'UPDATE') THEN 'update' END,
                   CASE WHEN pg_catalog.has_table_privilege(e.oid, c.oid, 'DELETE') THEN 'delete' END
                 ]::pg_catalog.text[], NULL::pg_catalog.text) AS privileges
          OFFSET 0) p
        WHERE pg_catalog.has_schema_privilege(e.oid, n.oid, 'USAGE')
          AND pg_catalog.cardinality(p.privileges) OPERATOR(pg_catalog.>) 0) g
     WHERE c.relkind OPERATOR(pg_catalog.=) ANY ('{r,p,v}'::pg_catalog."char"[])
       AND NOT c.relispartition
       AND n.nspname OPERATOR(pg_catalog.=) ANY ($2::pg_catalog.text[])
       AND g.grants IS NOT NULL
  ) x ON true`

/** One row of EXPOSURE_SQL. The relation columns are all null in the row that says "nothing reachable". */
export interface ExposureRow extends Record<string, unknown> {
  /** The exposed roles that exist, sorted; null when none does. */
  readonly roles: string[] | null
  readonly schema: string | null
  readonly name: string | null
  /** pg_class.relkind: r table, p partitioned table, v view. */
  readonly kind: string | null
  readonly rls: boolean | null
  readonly force_rls: boolean | null
  /** pg_class.reloptions as stored (`security_invoker=on`, …). */
  readonly options: string[] | null
  readonly has_policy: boolean | null
  /** The relation belongs to an extension (CREATE EXTENSION made it). */
  readonly extension_member: boolean | null
  /** Exposed role -> the privileges it holds, lower case, in the order select, insert, update, delete. */
  readonly grants: Record<string, string[]> | null
}
