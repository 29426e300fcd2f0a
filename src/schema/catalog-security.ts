// Row-level security, policies and grants of every table in the given schemas: one set-based
// query a round (never one per table, never information_schema), in the round's transaction.
// Like the other catalog reads it names every function and operator with its schema: under the
// app's search_path an unqualified one could be one the database's owner planted.
import type { Db } from '../postgres/lease.js'
import { APP_SEARCH_PATH } from '../postgres/search-path.js'
import { PRIVILEGES, type PolicyCommand, type Privilege } from './expected.js'
import { tableKey } from './catalog.js'
import { PUBLIC_GRANTEE, PUBLIC_POLICY_ROLE } from './manifest-security.js'

/**
 * $1: the schemas. Tables and partitioned tables (partitions: their parent stands for them).
 * Policies as pg_policies prints them (pg_get_expr without pretty-printing; role 0 is `public`).
 * Grants from relacl, SELECT/INSERT/UPDATE/DELETE only, without what acldefault gives (the
 * owner's own privileges); a null relacl is exactly acldefault, so no grants, and is not
 * exploded. A policy for PUBLIC only (CREATE POLICY without TO) names its role without a
 * subquery. (Together about 10 ms of 67 at 5,000 tables with a policy each.)
 */
export const SECURITY_SQL = `
SELECT n.nspname::pg_catalog.text AS schema, c.relname::pg_catalog.text AS name,
       c.relrowsecurity AS rls, c.relforcerowsecurity AS force_rls,
       (SELECT pg_catalog.json_agg(pg_catalog.json_build_array(
                 p.polname::pg_catalog.text, p.polcmd::pg_catalog.text, p.polpermissive,
                 CASE WHEN p.polroles OPERATOR(pg_catalog.=) '{0}'::pg_catalog.oid[] THEN '{${PUBLIC_POLICY_ROLE}}'::pg_catalog.text[]
                      ELSE ARRAY(SELECT CASE WHEN r.oid OPERATOR(pg_catalog.=) 0::pg_catalog.oid THEN '${PUBLIC_POLICY_ROLE}'
                                             ELSE pg_catalog.pg_get_userbyid(r.oid)::pg_catalog.text END
                                   FROM pg_catalog.unnest(p.polroles) r(oid)) END,
                 pg_catalog.pg_get_expr(p.polqual, p.polrelid), pg_catalog.pg_get_expr(p.polwithcheck, p.polrelid)))
          FROM pg_catalog.pg_policy p WHERE p.polrelid OPERATOR(pg_catalog.=) c.oid) AS policies,
       CASE WHEN c.relacl IS NOT NULL THEN (SELECT pg_catalog.json_agg(pg_catalog.json_build_array(
                 CASE WHEN a.grantee OPERATOR(pg_catalog.=) 0::pg_catalog.oid THEN '${PUBLIC_GRANTEE}'
                      ELSE pg_catalog.pg_get_userbyid(a.grantee)::pg_catalog.text END,
                 a.privilege_type))
          FROM pg_catalog.aclexplode(c.relacl) a
         WHERE a.privilege_type OPERATOR(pg_catalog.=) ANY ('{SELECT,INSERT,UPDATE,DELETE}'::pg_catalog.text[])
           AND NOT EXISTS (SELECT FROM pg_catalog.aclexplode(pg_catalog.acldefault('r'::pg_catalog."char", c.relowner)) d
                            WHERE d.grantee OPERATOR(pg_catalog.=) a.grantee
                              AND d.privilege_type OPERATOR(pg_catalog.=) a.privilege_type)) END AS grants
  FROM pg_catalog.pg_class c
  JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) c.relnamespace
 WHERE c.relkind OPERATOR(pg_catalog.=) ANY ('{r,p}'::pg_catalog."char"[]) AND NOT c.relispartition
   AND n.nspname OPERATOR(pg_catalog.=) ANY ($1::pg_catalog.text[])`

export interface CatalogPolicy {
  readonly name: string
  readonly command: PolicyCommand
  readonly permissive: boolean
  /** Sorted. */
  readonly roles: readonly string[]
  readonly using: string | null
  readonly withCheck: string | null
}

export interface CatalogSecurity {
  readonly schema: string
  readonly name: string
  readonly rls: boolean
  readonly forceRls: boolean
  /** By name. */
  readonly policies: readonly CatalogPolicy[]
  /** Grantee (`PUBLIC` for everyone) -> privileges in the order select, insert, update, delete; sorted by grantee. */
  readonly grants: ReadonlyMap<string, readonly Privilege[]>
}

type PolicyJson = [name: string, cmd: string, permissive: boolean, roles: string[] | null, using: string | null, withCheck: string | null]
interface SecurityRow extends Record<string, unknown> {
  schema: string
  name: string
  rls: boolean
  force_rls: boolean
  policies: PolicyJson[] | null
  grants: Array<[grantee: string, privilege: string]> | null
}

const COMMANDS: Readonly<Record<string, PolicyCommand>> = { '*': 'all', r: 'select', a: 'insert', w: 'update', d: 'delete' }
const cmp = (a: string, b: string) => a < b ? -1 : a > b ? 1 : 0

/** Keyed by tableKey(schema, name). */
export async function readSecurity (db: Db, schemas: readonly string[]): Promise<Map<string, CatalogSecurity>> {
  // Names print as the app's search_path shows them, as in pg_policies.
  await db.query(APP_SEARCH_PATH)
  const rows = await db.query<SecurityRow>(SECURITY_SQL, [[...new Set(schemas)]])
  return new Map(rows.map((r) => [tableKey(r.schema, r.name), toSecurity(r)]))
}

export function toSecurity (r: SecurityRow): CatalogSecurity {
  const policies = (r.policies ?? []).map(([name, cmd, permissive, roles, using, withCheck]): CatalogPolicy => ({
    name, command: COMMANDS[cmd] ?? 'all', permissive, roles: [...roles ?? []].sort(cmp), using, withCheck
  })).sort((a, b) => cmp(a.name, b.name))
  const held = new Map<string, Set<string>>()
  for (const [grantee, privilege] of r.grants ?? []) {
    let set = held.get(grantee)
    if (set === undefined) held.set(grantee, set = new Set())
    set.add(privilege.toLowerCase())
  }
  const grants = new Map([...held.keys()].sort(cmp).map((g) => [g, PRIVILEGES.filter((p) => held.get(g)!.has(p))]))
  return { schema: r.schema, name: r.name, rls: r.rls, forceRls: r.force_rls, policies, grants }
}
