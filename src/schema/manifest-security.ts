// The manifest's row-level security and grants (rls, force_rls, policies, grants), checked for
// what the JSON Schema cannot say: a policy or a privilege named twice, a policy without roles.
import type { ManifestError } from '../errors.js'
import type { ExpectedPolicy, ExpectedTable, PolicyCommand, Privilege } from './expected.js'
import type { Segment } from './manifest-text.js'

type Where = (path: Segment[], problem: string) => ManifestError

export interface RawPolicy {
  command?: PolicyCommand
  permissive?: boolean
  roles?: string[]
  using?: string | null
  with_check?: string | null
}
export interface RawTableSecurity {
  rls?: boolean
  force_rls?: boolean
  policies?: string[] | Record<string, RawPolicy>
  grants?: Record<string, Privilege[]>
}

type Security = Pick<ExpectedTable, 'rls' | 'forceRls' | 'policies' | 'grants'>

/** How a grant names everyone: `GRANT … TO PUBLIC`. PostgreSQL allows no role of that name. */
export const PUBLIC_GRANTEE = 'PUBLIC'
/** How a policy names everyone, as pg_policies prints it. */
export const PUBLIC_POLICY_ROLE = 'public'

const cmp = (a: string, b: string) => a < b ? -1 : a > b ? 1 : 0

export function buildTableSecurity (tableKey: string, raw: RawTableSecurity, where: Where): Security {
  const at = (...rest: Segment[]): Segment[] => ['tables', tableKey, ...rest]
  const out: { -readonly [K in keyof Security]: Security[K] } = {}
  if (raw.rls !== undefined) out.rls = raw.rls
  if (raw.force_rls !== undefined) out.forceRls = raw.force_rls
  if (raw.policies !== undefined) {
    const names = Array.isArray(raw.policies) ? raw.policies : undefined
    const policies = names !== undefined
      ? names.map((name, i) => {
        const first = names.indexOf(name)
        if (first !== i) throw where(at('policies', i), `duplicate policy "${name}" (also at [${first}])`)
        return Object.freeze({ name })
      })
      : Object.entries(raw.policies as Record<string, RawPolicy>).map(([name, p]) => policy(name, p, at('policies', name), where))
    out.policies = Object.freeze(policies.sort((a, b) => cmp(a.name, b.name)))
  }
  if (raw.grants !== undefined) {
    const grants = new Map<string, readonly Privilege[]>()
    for (const [role, privileges] of Object.entries(raw.grants)) {
      const grantee = role.toLowerCase() === 'public' ? PUBLIC_GRANTEE : role
      if (grants.has(grantee)) throw where(at('grants', role), `names ${grantee} twice`)
      privileges.forEach((p, i) => {
        const first = privileges.indexOf(p)
        if (first !== i) throw where(at('grants', role, i), `duplicate privilege "${p}" (also at [${first}])`)
      })
      grants.set(grantee, Object.freeze([...privileges]))
    }
    out.grants = grants
  }
  return out
}

function policy (name: string, raw: RawPolicy, path: Segment[], where: Where): ExpectedPolicy {
  const out: { -readonly [K in keyof ExpectedPolicy]: ExpectedPolicy[K] } = { name }
  if (raw.command !== undefined) out.command = raw.command
  if (raw.permissive !== undefined) out.permissive = raw.permissive
  if (raw.roles !== undefined) {
    if (raw.roles.length === 0) throw where([...path, 'roles'], 'must name at least one role (public for everyone)')
    const roles = raw.roles.map((r) => r.toLowerCase() === 'public' ? PUBLIC_POLICY_ROLE : r)
    roles.forEach((r, i) => {
      if (roles.indexOf(r) !== i) throw where([...path, 'roles', i], `duplicate role "${r}"`)
    })
    out.roles = Object.freeze(roles.sort(cmp))
  }
  if (raw.using !== undefined) out.using = raw.using
  if (raw.with_check !== undefined) out.withCheck = raw.with_check
  return Object.freeze(out)
}
