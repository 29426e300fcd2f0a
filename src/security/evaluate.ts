// The rows of EXPOSURE_SQL -> the findings of security:exposure. Pure.
import type { ExposureRow } from './exposure-query.js'
import {
  EXPOSURE_SEVERITY, type ExposedRelation, type ExposureFacts, type ExposureFinding, type ExposureKind, type Privilege
} from './findings.js'

export interface ExposureOptions {
  readonly exposedRoles: readonly string[]
  readonly exposedSchemas: readonly string[]
}

const RELATION: Readonly<Record<string, ExposedRelation>> = { r: 'table', p: 'partitioned table', v: 'view' }
const PRIVILEGES: readonly Privilege[] = ['select', 'insert', 'update', 'delete']
const RANK = { fail: 0, warn: 1, info: 2 } as const

export function evaluate (rows: readonly ExposureRow[], opts: ExposureOptions): ExposureFacts {
  const roles = [...(rows[0]?.roles ?? [])].sort()
  const base = {
    roles,
    missingRoles: opts.exposedRoles.filter((r) => !roles.includes(r)),
    schemas: [...opts.exposedSchemas]
  }
  if (roles.length === 0) return { state: 'not_checked', ...base, reachable: 0, findings: [] }
  const findings: ExposureFinding[] = []
  let reachable = 0
  for (const row of rows) {
    if (row.schema === null || row.name === null || row.kind === null) continue // the "nothing reachable" row
    const relation = RELATION[row.kind]
    const grants = privileges(row.grants)
    if (relation === undefined || Object.keys(grants).length === 0) continue
    reachable++
    const kind = classify(row, relation)
    if (kind === undefined) continue
    const table = `${row.schema}.${row.name}`
    findings.push({ kind, severity: EXPOSURE_SEVERITY[kind], table, relation, grants, message: describe(kind, table, relation, grants, row.extension_member === true) })
  }
  findings.sort((a, b) => RANK[a.severity] - RANK[b.severity] || (a.table < b.table ? -1 : a.table > b.table ? 1 : 0))
  return { state: 'checked', ...base, reachable, findings }
}

function classify (row: ExposureRow, relation: ExposedRelation): ExposureKind | undefined {
  if (relation === 'view') {
    // Views that an extension made are the extension's business (as in Supabase's own lint).
    return row.extension_member !== true && !securityInvoker(row.options) ? 'exposed_definer_view' : undefined
  }
  if (row.rls !== true) return 'exposed_without_rls'
  return row.has_policy !== true && row.extension_member !== true ? 'rls_without_policy' : undefined
}

/** The privileges of each role in a fixed order, unknown words dropped; roles with none left out. */
function privileges (grants: ExposureRow['grants']): Record<string, Privilege[]> {
  const out: Record<string, Privilege[]> = {}
  for (const role of Object.keys(grants ?? {}).sort()) {
    const held = PRIVILEGES.filter((p) => grants?.[role]?.includes(p) === true)
    if (held.length > 0) out[role] = held
  }
  return out
}

/** `security_invoker` among a view's reloptions, read as PostgreSQL's parse_bool reads it. */
export function securityInvoker (options: readonly string[] | null): boolean {
  let on = false
  for (const option of options ?? []) {
    const eq = option.indexOf('=')
    if (eq < 0 || option.slice(0, eq).toLowerCase() !== 'security_invoker') continue
    on = parseBool(option.slice(eq + 1)) ?? false
  }
  return on
}

/** PostgreSQL's parse_bool: a unique prefix of true/false/yes/no, on/off, 1/0, any case. */
export function parseBool (value: string): boolean | undefined {
  const v = value.toLowerCase()
  if (v === '') return undefined
  if ('true'.startsWith(v) || 'yes'.startsWith(v) || v === '1') return true
  if ('false'.startsWith(v) || 'no'.startsWith(v) || v === '0') return false
  if (v.length >= 2 && 'on'.startsWith(v)) return true
  if (v.length >= 2 && 'off'.startsWith(v)) return false
  return undefined
}

/** `anon (select), authenticated (select, insert)` */
export function grantsText (grants: Readonly<Record<string, readonly string[]>>): string {
  return Object.entries(grants).map(([role, privs]) => `${role} (${privs.join(', ')})`).join(', ')
}

function describe (kind: ExposureKind, table: string, relation: ExposedRelation, grants: Readonly<Record<string, readonly string[]>>, extension: boolean): string {
  const who = grantsText(grants)
  switch (kind) {
    case 'exposed_without_rls': {
      const what = relation === 'table' ? table : `${relation} ${table}`
      const note = extension ? '; it belongs to an extension: move the extension out of the exposed schema, or revoke' : ''
      return `${what} has row-level security off and ${who} can reach it through the Data API${note}`
    }
    case 'rls_without_policy':
      return `${table} has row-level security on but no policy: ${Object.keys(grants).join(', ')} see no rows`
    case 'exposed_definer_view':
      return `view ${table} runs with its owner's rights (no security_invoker): ${who} reads past the row-level security of the tables under it`
  }
}
