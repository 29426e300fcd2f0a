// Environment and CLI flags become one frozen Config here, once, against one schema. `serve`
// validates through @fastify/env (src/plugin.ts) and `check`, `snapshot`, `heads` through
// env-schema, which @fastify/env wraps: the same schema, the same messages, the same Config.
import envSchema from 'env-schema'
import { checkDatabaseUrl, parseFolders, parseList, parseQualified, parseSeverities, type SeverityOverride } from './config-values.js'
import { ConfigError } from './errors.js'
import type { FindingKind } from './schema/findings.js'

export type { SeverityOverride } from './config-values.js'

export interface Config {
  readonly databaseUrl?: string
  readonly databaseSslCa?: string
  readonly port: number
  readonly host: string
  readonly expectedSchema?: string
  /** ALEMBIC_VERSIONS_DIR: one or more folders (comma-separated). */
  readonly alembicVersionsDirs?: readonly string[]
  /** ALEMBIC_CONFIG: an alembic.ini naming the version locations. */
  readonly alembicConfig?: string
  readonly expectedRevision?: readonly string[]
  readonly alembicVersionTable: { readonly schema?: string, readonly table: string }
  readonly schemas: readonly string[]
  readonly checkIntervalMs: number
  readonly checkTimeoutMs: number
  readonly healthToken?: string
  readonly metricsToken?: string
  /** Unset: POST /check does not exist (404). */
  readonly deployToken?: string
  readonly driftSeverity: Readonly<Partial<Record<FindingKind, SeverityOverride>>>
  /** Roles the Supabase Data API acts as, and the schemas it serves (security:exposure). */
  readonly exposedRoles: readonly string[]
  readonly exposedSchemas: readonly string[]
  readonly logLevel: string
  readonly releaseId?: string
}

/** The Config of a command that needs a database: the schema required DATABASE_URL, so it is there. */
export type DatabaseConfig = Config & { readonly databaseUrl: string }

/** CLI flags, named after the variables they override. */
export interface Flags {
  readonly databaseUrl?: string
  readonly expected?: string
  readonly versionsDir?: string
  readonly alembicConfig?: string
  readonly expectedRevision?: string
  readonly schemas?: string
}

/** What a Config is made from: the environment and the flags over it. */
export interface ConfigSource {
  readonly env: Readonly<Record<string, string | undefined>>
  readonly flags?: Flags
}

const FLAG_VARIABLES: Record<keyof Flags, [variable: string, flag: string]> = {
  databaseUrl: ['DATABASE_URL', '--database-url'],
  expected: ['EXPECTED_SCHEMA', '--expected'],
  versionsDir: ['ALEMBIC_VERSIONS_DIR', '--versions-dir'],
  alembicConfig: ['ALEMBIC_CONFIG', '--alembic-config'],
  expectedRevision: ['EXPECTED_REVISION', '--expected-revision'],
  schemas: ['SCHEMAS', '--schemas']
}

const SECRET_VARIABLES = new Set(['DATABASE_URL', 'HEALTH_TOKEN', 'METRICS_TOKEN', 'DEPLOY_TOKEN'])

const ms = (min: number, def: number) => ({ type: 'integer', minimum: min, maximum: 86_400_000, default: def })

/** The one configuration schema. */
export const SCHEMA = {
  type: 'object',
  properties: {
    DATABASE_URL: { type: 'string' },
    DATABASE_SSL_CA: { type: 'string' },
    PORT: { type: 'integer', minimum: 0, maximum: 65535, default: 8080 },
    HOST: { type: 'string', minLength: 1, default: '0.0.0.0' },
    EXPECTED_SCHEMA: { type: 'string' },
    ALEMBIC_VERSIONS_DIR: { type: 'string' },
    ALEMBIC_CONFIG: { type: 'string' },
    EXPECTED_REVISION: { type: 'string' },
    ALEMBIC_VERSION_TABLE: { type: 'string', default: 'alembic_version' },
    SCHEMAS: { type: 'string', default: 'public' },
    CHECK_INTERVAL_MS: ms(10, 10_000),
    CHECK_TIMEOUT_MS: ms(1, 2000),
    HEALTH_TOKEN: { type: 'string' },
    METRICS_TOKEN: { type: 'string' },
    DEPLOY_TOKEN: { type: 'string' },
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

/** The variables to validate: the environment's (blank means unset), flags over them. */
export interface Variables {
  readonly data: Readonly<Record<string, string>>
  /** How the user spelled a variable: the flag when a flag set it. */
  name (variable: string): string
}

export function variables ({ env, flags = {} }: ConfigSource): Variables {
  const data: Record<string, string> = {}
  const origin = new Map<string, string>()
  for (const key of Object.keys(SCHEMA.properties)) {
    const value = env[key]
    // Render and shells leave empty variables behind; empty means unset.
    if (value !== undefined && value.trim() !== '') data[key] = value.trim()
  }
  for (const [key, [variable, flag]] of Object.entries(FLAG_VARIABLES) as Array<[keyof Flags, [string, string]]>) {
    const value = flags[key]
    if (value === undefined) continue
    if (value.trim() === '') throw new ConfigError(flag, 'must not be empty')
    data[variable] = value.trim()
    origin.set(variable, flag)
  }
  return { data, name: (variable) => origin.get(variable) ?? variable }
}

/** A copy of the schema for one validation (env-schema marks its schema), DATABASE_URL required when asked. */
export function configSchema (opts: LoadOptions = {}): Record<string, unknown> {
  return { ...structuredClone(SCHEMA), ...(opts.requireDatabase === true ? { required: ['DATABASE_URL'] } : {}) }
}

/** The schema's complaint (from env-schema or @fastify/env) as one line naming the variable. */
export function configError (err: unknown, vars: Variables): ConfigError {
  const first = (err as { errors?: Array<{ instancePath: string, message?: string, params?: { missingProperty?: string, allowedValues?: unknown[] } }> }).errors?.[0]
  const missing = first?.params?.missingProperty
  if (missing !== undefined) return new ConfigError(vars.name(missing), `is required${missing === 'DATABASE_URL' ? ' (a postgres:// URL)' : ''}`)
  const variable = first?.instancePath.replace(/^\//, '') ?? 'configuration'
  const value = vars.data[variable]
  const shown = SECRET_VARIABLES.has(variable) || value === undefined ? '' : `, got "${value}"`
  // Ajv's enum message ("must be equal to one of the allowed values") does not say which.
  const allowed = first?.params?.allowedValues
  const message = allowed !== undefined ? `must be one of ${allowed.join(', ')}` : first?.message ?? 'is invalid'
  return new ConfigError(vars.name(variable), `${message}${shown}`)
}

/** The validated variables as a Config: lists split, names and the URL checked. */
export function toConfig (raw: Readonly<Record<string, unknown>>, vars: Variables): Config {
  const str = (k: string) => raw[k] as string | undefined
  const databaseUrl = str('DATABASE_URL')
  if (databaseUrl !== undefined) checkDatabaseUrl(databaseUrl, vars.name('DATABASE_URL'))
  return Object.freeze({
    databaseUrl,
    databaseSslCa: str('DATABASE_SSL_CA'),
    port: raw.PORT as number,
    host: raw.HOST as string,
    expectedSchema: str('EXPECTED_SCHEMA'),
    alembicVersionsDirs: parseFolders(str('ALEMBIC_VERSIONS_DIR'), vars.name('ALEMBIC_VERSIONS_DIR')),
    alembicConfig: str('ALEMBIC_CONFIG'),
    expectedRevision: parseList(str('EXPECTED_REVISION'), vars.name('EXPECTED_REVISION'), REVISION_ID, 'a revision id'),
    alembicVersionTable: parseQualified(raw.ALEMBIC_VERSION_TABLE as string, vars.name('ALEMBIC_VERSION_TABLE'), IDENT),
    schemas: parseList(raw.SCHEMAS as string, vars.name('SCHEMAS'), IDENT, 'a schema name') ?? ['public'],
    checkIntervalMs: raw.CHECK_INTERVAL_MS as number,
    checkTimeoutMs: raw.CHECK_TIMEOUT_MS as number,
    healthToken: str('HEALTH_TOKEN'),
    metricsToken: str('METRICS_TOKEN'),
    deployToken: str('DEPLOY_TOKEN'),
    driftSeverity: parseSeverities(str('DRIFT_SEVERITY')),
    exposedRoles: parseRoles(raw.EXPOSED_ROLES as string, vars.name('EXPOSED_ROLES')),
    exposedSchemas: parseList(raw.EXPOSED_SCHEMAS as string, vars.name('EXPOSED_SCHEMAS'), IDENT, 'a schema name') ?? ['public'],
    logLevel: raw.LOG_LEVEL as string,
    releaseId: str('RELEASE_ID') ?? str('RENDER_GIT_COMMIT')
  })
}

/** Validates with env-schema (the commands without a server). */
export function loadConfig (env: ConfigSource['env'], flags: Flags | undefined, opts: { readonly requireDatabase: true }): DatabaseConfig
export function loadConfig (env: ConfigSource['env'], flags?: Flags, opts?: LoadOptions): Config
export function loadConfig (env: ConfigSource['env'], flags: Flags = {}, opts: LoadOptions = {}): Config {
  const vars = variables({ env, flags })
  let raw: Record<string, unknown>
  try {
    raw = envSchema({ schema: configSchema(opts), data: { ...vars.data }, env: false }) as Record<string, unknown>
  } catch (err) {
    throw configError(err, vars)
  }
  return toConfig(raw, vars)
}

function parseRoles (value: string, variable: string): string[] {
  const roles = parseList(value, variable, ROLE_NAME, 'a role name (letters, digits, _ or $, at most 63 characters)') ?? []
  // has_table_privilege knows no role "public": what PUBLIC is granted, every role holds already.
  const pub = roles.find((r) => r.toLowerCase() === 'public')
  if (pub !== undefined) throw new ConfigError(variable, `"${pub}" is not a role (grants to PUBLIC count for every role already)`)
  return roles
}
