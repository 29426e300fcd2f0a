// Parsers for the values the schema can only check as strings: lists, table names, severities,
// the database URL. Each throws a ConfigError naming the variable (or flag) as the user spelled it.
import { ConfigError } from './errors.js'
import { FINDING_KINDS, SEVERITIES, type FindingKind, type Severity } from './schema/findings.js'

export type SeverityOverride = Severity | 'ignore'

const SSL_MODES = new Set(['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full', 'no-verify'])

export function checkDatabaseUrl (value: string, variable: string): void {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    // Never echo the value: it may hold the password.
    throw new ConfigError(variable, 'is not a URL (expected postgres://USER@HOST:5432/DBNAME, password included)')
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new ConfigError(variable, `has scheme "${url.protocol.replace(/:$/, '')}", expected postgres:// or postgresql://`)
  }
  if (url.hostname === '' && !url.searchParams.has('host')) throw new ConfigError(variable, 'has no host')
  const sslmode = url.searchParams.get('sslmode')
  if (sslmode !== null && !SSL_MODES.has(sslmode)) {
    throw new ConfigError(variable, `has sslmode "${sslmode}", expected one of ${[...SSL_MODES].join(', ')}`)
  }
}

export function parseList (value: string | undefined, variable: string, pattern: RegExp, what: string): string[] | undefined {
  if (value === undefined) return undefined
  const items = value.split(',').map((s) => s.trim())
  for (const item of items) {
    if (!pattern.test(item)) throw new ConfigError(variable, `"${item}" is not ${what}`)
  }
  return [...new Set(items)]
}

export function parseFolders (value: string | undefined, variable: string): string[] | undefined {
  if (value === undefined) return undefined
  const items = value.split(',').map((s) => s.trim())
  if (items.includes('')) throw new ConfigError(variable, `"${value}" has an empty entry (folders are separated by commas)`)
  return [...new Set(items)]
}

export function parseQualified (value: string, variable: string, ident: RegExp): { schema?: string, table: string } {
  const parts = value.split('.')
  if (parts.length > 2 || !parts.every((p) => ident.test(p))) {
    throw new ConfigError(variable, `"${value}" is not a table name (table or schema.table)`)
  }
  return parts.length === 2 ? { schema: parts[0], table: parts[1]! } : { table: parts[0]! }
}

export function parseSeverities (value: string | undefined, variable = 'DRIFT_SEVERITY'): Partial<Record<FindingKind, SeverityOverride>> {
  const out: Partial<Record<FindingKind, SeverityOverride>> = {}
  if (value === undefined) return out
  for (const pair of value.split(',').map((s) => s.trim()).filter(Boolean)) {
    const [kind, severity, ...rest] = pair.split('=').map((s) => s.trim())
    if (rest.length > 0 || severity === undefined) throw new ConfigError(variable, `"${pair}" is not kind=severity`)
    if (!(FINDING_KINDS as readonly string[]).includes(kind!)) {
      throw new ConfigError(variable, `unknown finding kind "${kind}" (expected one of ${FINDING_KINDS.join(', ')})`)
    }
    if (!(SEVERITIES as readonly string[]).includes(severity) && severity !== 'ignore') {
      throw new ConfigError(variable, `unknown severity "${severity}" for ${kind} (expected fail, warn, info or ignore)`)
    }
    out[kind as FindingKind] = severity as SeverityOverride
  }
  return out
}
