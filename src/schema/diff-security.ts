// The manifest's rls, force_rls, policies and grants against the live catalog -> findings. Pure.
// Only tables whose manifest entry has the key are compared for it; a table the round did not
// find is left to missing_table.
import type { DiffOptions } from './diff.js'
import type { ExpectedPolicy, ExpectedSchema, ExpectedTable } from './expected.js'
import { DRIFT_SEVERITY, type Finding, type FindingFields, type FindingKind, type SecurityShape } from './findings.js'
import { tableKey } from './catalog.js'
import type { CatalogPolicy, CatalogSecurity } from './catalog-security.js'
import { qualified } from './names.js'
import { canonicalExpression } from './sql-expression.js'

type Add = (kind: FindingKind, fields: FindingFields, message: string, severity?: 'fail' | 'warn' | 'info') => void

/** Whether any table of the manifest says something about row-level security or grants (else nothing is read). */
export function wantsSecurity (expected: ExpectedSchema): boolean {
  return expected.tables.some((t) => t.rls !== undefined || t.forceRls !== undefined || t.policies !== undefined || t.grants !== undefined)
}

export function compareSecurity (expected: ExpectedSchema, live: ReadonlyMap<string, CatalogSecurity>, opts: DiffOptions): Finding[] {
  const findings: Finding[] = []
  const add: Add = (kind, fields, message, severity) => {
    const s = opts.severity?.[kind] ?? severity ?? DRIFT_SEVERITY[kind]
    if (s !== 'ignore') findings.push({ kind, severity: s, ...fields, message })
  }
  const defaultSchema = opts.schemas[0] ?? 'public'
  const inScope = new Set(opts.schemas)
  for (const want of expected.tables) {
    const schema = want.schema ?? defaultSchema
    if (!inScope.has(schema) && (opts.managedSchemas?.has(schema) ?? false)) continue
    const have = live.get(tableKey(schema, want.name))
    if (have === undefined) continue
    compareTable(qualified(schema, want.name), want, have, add)
  }
  return findings
}

function compareTable (table: string, want: ExpectedTable, have: CatalogSecurity, add: Add): void {
  const flag = (key: 'rls' | 'force_rls', expected: boolean | undefined, actual: boolean, words: string) => {
    if (expected === undefined || expected === actual) return
    // Off where the manifest wants it on opens rows; on where it wants off only hides them.
    add('rls_mismatch', { table, expected: { [key]: expected }, actual: { [key]: actual } },
      `${table} has ${words} ${actual ? 'on' : 'off'}; the manifest expects it ${expected ? 'on' : 'off'}`, expected ? 'fail' : 'warn')
  }
  flag('rls', want.rls, have.rls, 'row-level security')
  flag('force_rls', want.forceRls, have.forceRls, 'FORCE ROW LEVEL SECURITY')
  if (want.policies !== undefined) comparePolicies(table, want.policies, have.policies, add)
  if (want.grants !== undefined) {
    const roles = [...new Set([...want.grants.keys(), ...have.grants.keys()])].sort()
    for (const role of roles) {
      const wanted = want.grants.get(role) ?? []
      const held = have.grants.get(role) ?? []
      const missing = wanted.filter((p) => !held.includes(p))
      const extra = held.filter((p) => !wanted.includes(p))
      if (missing.length > 0) add('missing_grant', { table, role, privileges: missing }, `${role} lacks ${missing.join(', ')} on ${table}, which the manifest grants`)
      if (extra.length > 0) add('extra_grant', { table, role, privileges: extra }, `${role} may ${extra.join(', ')} on ${table}, which the manifest does not grant`)
    }
  }
}

function comparePolicies (table: string, wanted: readonly ExpectedPolicy[], held: readonly CatalogPolicy[], add: Add): void {
  const live = new Map(held.map((p) => [p.name, p]))
  for (const want of wanted) {
    const have = live.get(want.name)
    if (have === undefined) {
      add('missing_policy', { table, name: want.name, expected: expectedShape(want) }, `${table}: policy "${want.name}" is expected but missing`)
      continue
    }
    const differs = policyDifferences(want, have)
    if (differs.length > 0) {
      add('policy_mismatch', { table, name: want.name, expected: expectedShape(want), actual: actualShape(have) },
        `${table}: policy "${want.name}" differs (${differs.join('; ')})`)
    }
  }
  const names = new Set(wanted.map((p) => p.name))
  for (const have of held) {
    if (!names.has(have.name)) add('extra_policy', { table, name: have.name, actual: actualShape(have) }, `${table}: policy "${have.name}" exists but is not in the manifest`)
  }
}

const sameExpr = (a: string | null, b: string | null) => a === null || b === null ? a === b : canonicalExpression(a) === canonicalExpression(b)
const shown = (e: string | null) => e === null ? 'none' : e

/** What differs, in words; only the parts the manifest gives. */
export function policyDifferences (want: ExpectedPolicy, have: CatalogPolicy): string[] {
  const out: string[] = []
  if (want.command !== undefined && want.command !== have.command) out.push(`command ${have.command}, expected ${want.command}`)
  if (want.permissive !== undefined && want.permissive !== have.permissive) out.push(`${have.permissive ? 'permissive' : 'restrictive'}, expected ${want.permissive ? 'permissive' : 'restrictive'}`)
  if (want.roles !== undefined && want.roles.join('\u0000') !== have.roles.join('\u0000')) out.push(`roles ${have.roles.join(', ')}, expected ${want.roles.join(', ')}`)
  if (want.using !== undefined && !sameExpr(want.using, have.using)) out.push(`using ${shown(have.using)}, expected ${shown(want.using)}`)
  if (want.withCheck !== undefined && !sameExpr(want.withCheck, have.withCheck)) out.push(`with check ${shown(have.withCheck)}, expected ${shown(want.withCheck)}`)
  return out
}

function expectedShape (p: ExpectedPolicy): SecurityShape {
  return {
    ...(p.command !== undefined ? { command: p.command } : {}),
    ...(p.permissive !== undefined ? { permissive: p.permissive } : {}),
    ...(p.roles !== undefined ? { roles: p.roles } : {}),
    ...(p.using !== undefined ? { using: p.using } : {}),
    ...(p.withCheck !== undefined ? { with_check: p.withCheck } : {})
  }
}

function actualShape (p: CatalogPolicy): SecurityShape {
  return { command: p.command, permissive: p.permissive, roles: p.roles, using: p.using, with_check: p.withCheck }
}
