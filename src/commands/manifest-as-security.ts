// A manifest read as `diff --to`: its rls, force_rls, policies and grants as the security catalog
// would hold them. As for keys (manifest-as-catalog.ts), what the manifest leaves out is not a
// difference: a table entry without `grants` has not said "no grants", a policy given by name
// alone has not said what it admits.
import type { ExpectedSchema, ExpectedTable } from '../expectation.js'
import { tableKey } from '../schema/catalog.js'
import type { CatalogPolicy, CatalogSecurity } from '../schema/catalog-security.js'
import type { Finding } from '../schema/findings.js'
import { qualified } from '../schema/names.js'

/** Keys of what a --to manifest does not say about security (see securityKey). */
export type UnknownSecurity = ReadonlySet<string>
type What = 'rls' | 'force_rls' | 'policies' | 'policy' | 'grants'
const securityKey = (table: string, object: string, what: What) => `${table}\u0000${object}\u0000${what}`

const SECURITY_KEYS = (t: ExpectedTable) => t.rls !== undefined || t.forceRls !== undefined || t.policies !== undefined || t.grants !== undefined

/**
 * Tables whose entry says anything about security; a table with no such key is left out, so
 * nothing about it is compared. Where two entries name one table (`pdfs`, `public.pdfs`), the
 * first that gives a key wins.
 */
export function manifestAsSecurity (manifest: ExpectedSchema, schemas: readonly string[]): { security: Map<string, CatalogSecurity>, unknown: UnknownSecurity } {
  const defaultSchema = schemas[0] ?? 'public'
  const entries = new Map<string, ExpectedTable[]>()
  for (const t of manifest.tables) {
    if (!SECURITY_KEYS(t)) continue
    const key = tableKey(t.schema ?? defaultSchema, t.name)
    entries.set(key, [...entries.get(key) ?? [], t])
  }
  const security = new Map<string, CatalogSecurity>()
  const unknown = new Set<string>()
  for (const [key, list] of entries) {
    const first = list[0]!
    const schema = first.schema ?? defaultSchema
    const table = qualified(schema, first.name)
    const pick = <K extends 'rls' | 'forceRls' | 'policies' | 'grants'>(k: K): ExpectedTable[K] => list.find((t) => t[k] !== undefined)?.[k]
    const rls = pick('rls')
    const forceRls = pick('forceRls')
    const policies = pick('policies')
    const grants = pick('grants')
    if (rls === undefined) unknown.add(securityKey(table, '', 'rls'))
    if (forceRls === undefined) unknown.add(securityKey(table, '', 'force_rls'))
    if (policies === undefined) unknown.add(securityKey(table, '', 'policies'))
    if (grants === undefined) unknown.add(securityKey(table, '', 'grants'))
    const held = (policies ?? []).map((p): CatalogPolicy => {
      if (p.command === undefined || p.permissive === undefined || p.roles === undefined || p.using === undefined || p.withCheck === undefined) {
        unknown.add(securityKey(table, p.name, 'policy'))
      }
      return { name: p.name, command: p.command ?? 'all', permissive: p.permissive ?? true, roles: p.roles ?? ['public'], using: p.using ?? null, withCheck: p.withCheck ?? null }
    })
    security.set(key, { schema, name: first.name, rls: rls ?? false, forceRls: forceRls ?? false, policies: held, grants: grants ?? new Map() })
  }
  return { security, unknown }
}

/** A security finding about something a --to manifest does not say. */
export function isUnknownSecurity (f: Finding, unknown: UnknownSecurity): boolean {
  if (unknown.size === 0 || f.table === undefined) return false
  const has = (object: string, what: What) => unknown.has(securityKey(f.table!, object, what))
  switch (f.kind) {
    case 'rls_mismatch': {
      const expected = (f.expected ?? {}) as { rls?: boolean, force_rls?: boolean }
      return expected.rls !== undefined ? has('', 'rls') : has('', 'force_rls')
    }
    case 'missing_policy':
    case 'extra_policy':
      return has('', 'policies')
    case 'policy_mismatch':
      return has('', 'policies') || (f.name !== undefined && has(f.name, 'policy'))
    case 'missing_grant':
    case 'extra_grant':
      return has('', 'grants')
    default:
      return false
  }
}
