// postgres:connectivity: a round trip to the database; errors become `fail` in the runner.
// The round trip also says which role we are, for the notice about powerful ones.
import type { Check } from './check.js'

const PING = 'SELECT r.rolname AS name, r.rolsuper AS superuser, r.rolbypassrls AS bypass_rls FROM pg_catalog.pg_roles r WHERE r.rolname = session_user'

/** The role the sentinel's session runs as. */
export interface RoleFacts {
  readonly name: string
  readonly superuser: boolean
  readonly bypassRls: boolean
}

export interface ConnectivityFacts {
  readonly role?: RoleFacts
}

export const connectivity: Check<ConnectivityFacts, 'postgres:connectivity'> = {
  name: 'postgres:connectivity',
  gatesOthers: true,
  prepare: () => ({
    async run ({ db }) {
      const started = performance.now()
      const [row] = await db.query<{ name: string, superuser: boolean, bypass_rls: boolean }>(PING)
      const ms = Math.round((performance.now() - started) * 100) / 100
      const role: RoleFacts | undefined = row === undefined ? undefined : { name: row.name, superuser: row.superuser, bypassRls: row.bypass_rls }
      return { status: 'pass', observedValue: ms, observedUnit: 'ms', facts: role !== undefined ? { role } : {} }
    }
  }),
  notice (facts) {
    const text = roleWarning(facts.role)
    return text === undefined ? undefined : { id: 'role-warning', text }
  }
}

/** Why the connected role is more powerful than the sentinel needs, if it is. */
export function roleWarning (role: RoleFacts | undefined): string | undefined {
  if (role === undefined || (!role.superuser && !role.bypassRls)) return undefined
  const what = role.superuser ? 'a superuser' : 'a role that bypasses row-level security'
  return `connected as ${role.name}, ${what}: schema-sentinel only reads the catalog and the version table; give it a least-privilege role (README: Database role)`
}
