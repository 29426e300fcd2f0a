// Fixes for row-level security, policies and grants, in SQL and as op.execute() (Alembic has no
// operation for them). What only widens access (RLS off, NO FORCE) or takes a policy away is
// given as a comment; a REVOKE of what the manifest does not grant is a statement: it narrows
// access and loses no data.
import type { Finding, SecurityShape } from '../findings.js'
import { commentFix, opExecute, planned, tableSql, type FixContext, type PlannedFix } from './plan.js'
import { isSafeExpression, quoteIdent } from './quote.js'

interface SecurityFinding {
  readonly table: string
  readonly name?: string
  readonly role?: string
  readonly privileges?: readonly string[]
  readonly expected?: SecurityShape
  readonly actual?: SecurityShape
}
const sf = (f: Finding) => f as unknown as SecurityFinding

const grantee = (role: string) => role === 'PUBLIC' ? 'PUBLIC' : quoteIdent(role)
const policyRole = (role: string) => role === 'public' ? 'PUBLIC' : quoteIdent(role)
const privilegeList = (ps: readonly string[]) => ps.map((p) => p.toUpperCase()).join(', ')

/** One statement, run through op.execute, undone by `undo`. */
function statement (sql: string, undo: string): PlannedFix {
  return planned('check', sql, opExecute(sql), opExecute(undo))
}

export function fixRls (f: Finding, ctx: FixContext): PlannedFix {
  const o = sf(f)
  const t = tableSql(ctx.table(o.table))
  if (o.expected?.rls === true) return statement(`ALTER TABLE ${t} ENABLE ROW LEVEL SECURITY;`, `ALTER TABLE ${t} DISABLE ROW LEVEL SECURITY;`)
  if (o.expected?.force_rls === true) return statement(`ALTER TABLE ${t} FORCE ROW LEVEL SECURITY;`, `ALTER TABLE ${t} NO FORCE ROW LEVEL SECURITY;`)
  const sql = o.expected?.rls === false ? `ALTER TABLE ${t} DISABLE ROW LEVEL SECURITY;` : `ALTER TABLE ${t} NO FORCE ROW LEVEL SECURITY;`
  return commentFix('check', `${o.table}: the manifest wants less row-level security; ${sql} opens rows, run it by hand if that is meant`)
}

/** CREATE POLICY, when the manifest says enough to write it without guessing who it admits. */
function createPolicy (t: string, name: string, p: SecurityShape | undefined): string | undefined {
  if (p?.command === undefined || p.roles === undefined || (p.using == null && p.with_check == null)) return undefined
  if ((p.using != null && !isSafeExpression(p.using)) || (p.with_check != null && !isSafeExpression(p.with_check))) return undefined
  return `CREATE POLICY ${quoteIdent(name)} ON ${t} AS ${p.permissive === false ? 'RESTRICTIVE' : 'PERMISSIVE'} FOR ${p.command.toUpperCase()}` +
    ` TO ${p.roles.map(policyRole).join(', ')}${p.using != null ? ` USING (${p.using})` : ''}${p.with_check != null ? ` WITH CHECK (${p.with_check})` : ''};`
}

export function addPolicy (f: Finding, ctx: FixContext): PlannedFix {
  const o = sf(f)
  const t = tableSql(ctx.table(o.table))
  const name = o.name ?? ''
  const sql = createPolicy(t, name, o.expected)
  if (sql === undefined) return commentFix('check', `${o.table}: the manifest does not give policy "${name}" whole (command, roles, using or with_check); create it by hand`)
  return statement(sql, `DROP POLICY ${quoteIdent(name)} ON ${t};`)
}

export function changePolicy (f: Finding, ctx: FixContext): PlannedFix {
  const o = sf(f)
  const t = tableSql(ctx.table(o.table))
  const name = quoteIdent(o.name ?? '')
  const want = o.expected ?? {}
  const have = o.actual ?? {}
  // ALTER POLICY changes roles and expressions; not the command, the kind, or an expression away.
  const recreate = (want.command !== undefined && want.command !== have.command) ||
    (want.permissive !== undefined && want.permissive !== have.permissive) ||
    (want.using === null && have.using != null) || (want.with_check === null && have.with_check != null)
  if (recreate) {
    const create = createPolicy(t, o.name ?? '', want)
    if (create === undefined) return commentFix('check', `${o.table}: policy "${o.name ?? ''}" must be dropped and created again; the manifest does not give it whole`)
    return planned('check', `DROP POLICY ${name} ON ${t};\n${create}`, `${opExecute(`DROP POLICY ${name} ON ${t};`)}\n${opExecute(create)}`, '')
  }
  const parts = [
    want.roles !== undefined ? ` TO ${want.roles.map(policyRole).join(', ')}` : '',
    want.using != null ? ` USING (${want.using})` : '',
    want.with_check != null ? ` WITH CHECK (${want.with_check})` : ''
  ]
  if ((want.using != null && !isSafeExpression(want.using)) || (want.with_check != null && !isSafeExpression(want.with_check))) {
    return commentFix('check', `${o.table}: policy "${o.name ?? ''}": the manifest's expression cannot be pasted into a statement; alter it by hand`)
  }
  const sql = `ALTER POLICY ${name} ON ${t}${parts.join('')};`
  return planned('check', sql, opExecute(sql), '')
}

export function noteExtraPolicy (f: Finding, ctx: FixContext): PlannedFix {
  const o = sf(f)
  return commentFix('check', `${o.table}: policy "${o.name ?? ''}" is not in the manifest; if it should go: DROP POLICY ${quoteIdent(o.name ?? '')} ON ${tableSql(ctx.table(o.table))};`)
}

export function addGrant (f: Finding, ctx: FixContext): PlannedFix {
  const o = sf(f)
  const on = `${privilegeList(o.privileges ?? [])} ON ${tableSql(ctx.table(o.table))}`
  return statement(`GRANT ${on} TO ${grantee(o.role ?? '')};`, `REVOKE ${on} FROM ${grantee(o.role ?? '')};`)
}

export function revokeGrant (f: Finding, ctx: FixContext): PlannedFix {
  const o = sf(f)
  const on = `${privilegeList(o.privileges ?? [])} ON ${tableSql(ctx.table(o.table))}`
  return statement(`REVOKE ${on} FROM ${grantee(o.role ?? '')};`, `GRANT ${on} TO ${grantee(o.role ?? '')};`)
}
