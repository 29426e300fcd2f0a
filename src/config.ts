// Environment and CLI flags become one frozen Config here, once. Nothing else reads process.env.
import envSchema from 'env-schema'
import { ConfigError } from './errors.js'
import { FINDING_KINDS, SEVERITIES, type FindingKind, type Severity } from './report.js'

export type SeverityOverride = Severity | 'ignore'

export interface Config {
  readonly databaseUrl?: string
  readonly databaseSslCa?: string
  readonly port: number
  readonly host: string
  readonly expectedSchema?: string
  readonly alembicVersionsDir?: string
  readonly expectedRevision?: readonly string[]
  readonly alembicVersionTable: { readonly schema?: string, readonly table: string }
  readonly schemas: readonly string[]
  readonly checkIntervalMs: number
  readonly checkTimeoutMs: number
  readonly healthToken?: string
  readonly metricsToken?: string
  readonly driftSeverity: Readonly<Partial<Record<FindingKind, SeverityOverride>>>
  /** Roles the Supabase Data API acts as, and the schemas it serves (security:exposure). */
  readonly exposedRoles: readonly string[]
  readonly exposedSchemas: readonly string[]
  readonly logLevel: string
  readonly releaseId?: string
}

/** CLI flags, named after the variables they override. */
export interface Flags {
  readonly databaseUrl?: string
  readonly expected?: string
  readonly versionsDir?: string
  readonly expectedRevision?: string
  readonly schemas?: string
}

const FLAG_VARIABLES: Record<keyof Flags, [variable: string, flag: string]> = {
  databaseUrl: ['DATABASE_URL', '--database-url'],
  expected: ['EXPECTED_SCHEMA', '--expected'],
  versionsDir: ['ALEMBIC_VERSIONS_DIR', '--versions-dir'],
  expectedRevision: ['EXPECTED_REVISION', '--expected-revision'],
  schemas: ['SCHEMAS', '--schemas']
}

const SECRET_VARIABLES = new Set(['DATABASE_URL', 'HEALTH_TOKEN', 'METRICS_TOKEN'])

const ms = (min: number, def: number) => ({ type: 'integer', minimum: min, maximum: 86_400_000, default: def })

const SCHEMA = {
  type: 'object',
  properties: {
    DATABASE_URL: { type: 'string' },
    DATABASE_SSL_CA: { type: 'string' },
    PORT: { type: 'integer', minimum: 0, maximum: 65535, default: 8080 },
    HOST: { type: 'string', minLength: 1, default: '0.0.0.0' },
    EXPECTED_SCHEMA: { type: 'string' },
    ALEMBIC_VERSIONS_DIR: { type: 'string' },
    EXPECTED_REVISION: { type: 'string' },
    ALEMBIC_VERSION_TABLE: { type: 'string', default: 'alembic_version' },
    SCHEMAS: { type: 'string', default: 'public' },
    CHECK_INTERVAL_MS: ms(10, 10_000),
    CHECK_TIMEOUT_MS: ms(1, 2000),
    HEALTH_TOKEN: { type: 'string' },
    METRICS_TOKEN: { type: 'string' },
    DRIFT_SEVERITY: { type: 'string' },
    EXPOSED_ROLES: { type: 'string', default: 'anon,authenticated' },
    EXPOSED_SCHEMAS: { type: 'string', default: 'public' },
    LOG_LEVEL: { type: 'string', enum: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], default: 'info' },
    RELEASE_ID: { type: 'string' },
    RENDER_GIT_COMMIT: { type: 'string' }
  }
} as const

const IDENT = /^[A-Za-z_][A-Za-z0-9_$]*$/
const REVISION_ID = /^[A-Za-z0-9_.-]+$/
// A role name as written unquoted in SQL, within NAMEDATALEN; compared with pg_roles exactly.
const ROLE_NAME = /^[A-Za-z_][A-Za-z0-9_$]{0,62}$/

export interface LoadOptions {
  /** `serve`, `check` and `snapshot` need a database; `heads` does not. */
  readonly requireDatabase?: boolean
}

export function loadConfig (env: Readonly<Record<string, string | undefined>>, flags: Flags = {}, opts: LoadOptions = {}): Config {
  const data: Record<string, string> = {}
  const origin = new Map<string, string>() // variable -> how the user spelled it
  for (const key of Object.keys(SCHEMA.properties)) {
    const value = env[key]
    // Render and shells leave empty variables behind; empty means unset.
    if (value !== undefined && value.trim() !== '') data[key] = value.trim()
  }
  for (const [key, [variable, flag]] of Object.entries(FLAG_VARIABLES) as Array<[keyof Flags, [string, string]]>) {
    const value = flags[key]
    if (value !== undefined) {
      if (value.trim() === '') throw new ConfigError(flag, 'must not be empty')
      data[variable] = value.trim()
      origin.set(variable, flag)
    }
  }
  const name = (variable: string) => origin.get(variable) ?? variable

  let raw: Record<string, unknown>
  try {
    raw = envSchema({ schema: structuredClone(SCHEMA) as never, data, env: false }) as Record<string, unknown>
  } catch (err) {
    const first = (err as { errors?: Array<{ instancePath: string, message?: string }> }).errors?.[0]
    const variable = first?.instancePath.replace(/^\//, '') ?? 'configuration'
    const shown = SECRET_VARIABLES.has(variable) || data[variable] === undefined ? '' : `, got "${data[variable]}"`
    throw new ConfigError(name(variable), `${first?.message ?? 'is invalid'}${shown}`)
  }

  const str = (k: string) => raw[k] as string | undefined
  const databaseUrl = str('DATABASE_URL')
  if (databaseUrl !== undefined) checkDatabaseUrl(databaseUrl, name('DATABASE_URL'))
  else if (opts.requireDatabase === true) throw new ConfigError(name('DATABASE_URL'), 'is required (a postgres:// URL)')

  const config: Config = {
    databaseUrl,
    databaseSslCa: str('DATABASE_SSL_CA'),
    port: raw.PORT as number,
    host: raw.HOST as string,
    expectedSchema: str('EXPECTED_SCHEMA'),
    alembicVersionsDir: str('ALEMBIC_VERSIONS_DIR'),
    expectedRevision: parseList(str('EXPECTED_REVISION'), name('EXPECTED_REVISION'), REVISION_ID, 'a revision id'),
    alembicVersionTable: parseQualified(raw.ALEMBIC_VERSION_TABLE as string, name('ALEMBIC_VERSION_TABLE')),
    schemas: parseList(raw.SCHEMAS as string, name('SCHEMAS'), IDENT, 'a schema name') ?? ['public'],
    checkIntervalMs: raw.CHECK_INTERVAL_MS as number,
    checkTimeoutMs: raw.CHECK_TIMEOUT_MS as number,
    healthToken: str('HEALTH_TOKEN'),
    metricsToken: str('METRICS_TOKEN'),
    driftSeverity: parseSeverities(str('DRIFT_SEVERITY')),
    exposedRoles: parseRoles(raw.EXPOSED_ROLES as string),
    exposedSchemas: parseList(raw.EXPOSED_SCHEMAS as string, 'EXPOSED_SCHEMAS', IDENT, 'a schema name') ?? ['public'],
    logLevel: raw.LOG_LEVEL as string,
    releaseId: str('RELEASE_ID') ?? str('RENDER_GIT_COMMIT')
  }
  return Object.freeze(config)
}

const SSL_MODES = new Set(['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full', 'no-verify'])

function checkDatabaseUrl (value: string, variable: string): void {
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

function parseList (value: string | undefined, variable: string, pattern: RegExp, what: string): string[] | undefined {
  if (value === undefined) return undefined
  const items = value.split(',').map((s) => s.trim())
  for (const item of items) {
    if (!pattern.test(item)) throw new ConfigError(variable, `"${item}" is not ${what}`)
  }
  return [...new Set(items)]
}

function parseRoles (value: string): string[] {
  const roles = parseList(value, 'EXPOSED_ROLES', ROLE_NAME, 'a role name (letters, digits, _ or $, at most 63 characters)') ?? []
  // has_table_privilege knows no role "public": what PUBLIC is granted, every role holds already.
  const pub = roles.find((r) => r.toLowerCase() === 'public')
  if (pub !== undefined) throw new ConfigError('EXPOSED_ROLES', `"${pub}" is not a role (grants to PUBLIC count for every role already)`)
  return roles
}

function parseQualified (value: string, variable: string): { schema?: string, table: string } {
  const parts = value.split('.')
  if (parts.length > 2 || !parts.every((p) => IDENT.test(p))) {
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
