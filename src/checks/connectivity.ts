import type { Report, RoleFacts } from '../report.js'
import type { Check } from './check.js'

// The round trip also says which role we are, for the warning about powerful ones.
const PING = 'SELECT r.rolname AS name, r.rolsuper AS superuser, r.rolbypassrls AS bypass_rls FROM pg_catalog.pg_roles r WHERE r.rolname = session_user'

/** postgres:connectivity: a round trip to the database; errors become `fail` in the runner. */
export const connectivity: Check = {
  name: 'postgres:connectivity',
  gatesOthers: true,
  async run ({ db }) {
    const started = performance.now()
    const [row] = await db.query<{ name: string, superuser: boolean, bypass_rls: boolean }>(PING)
    const ms = Math.round((performance.now() - started) * 100) / 100
    const role: RoleFacts | undefined = row === undefined ? undefined : { name: row.name, superuser: row.superuser, bypassRls: row.bypass_rls }
    return { status: 'pass', observedValue: ms, observedUnit: 'ms', ...(role !== undefined ? { role } : {}) }
  }
}

/** Why the connected role is more powerful than the sentinel needs, if it is. */
export function roleWarning (role: RoleFacts | undefined): string | undefined {
  if (role === undefined || (!role.superuser && !role.bypassRls)) return undefined
  const what = role.superuser ? 'a superuser' : 'a role that bypasses row-level security'
  return `connected as ${role.name}, ${what}: schema-sentinel only reads the catalog and the version table; give it a least-privilege role (README: Database role)`
}

/** The warning for a report's role, if its connectivity check read one. */
export function reportRoleWarning (report: Report | undefined): string | undefined {
  return roleWarning(report?.checks.find((c) => c.role !== undefined)?.role)
}
