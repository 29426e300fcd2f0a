// The one pg pool: at most 2 connections, tagged, TLS from sslmode, never crashing on idle errors.
import { readFileSync } from 'node:fs'
import type { ConnectionOptions } from 'node:tls'
import pg from 'pg'
import type { Logger } from 'pino'
import type { Config, DatabaseConfig } from '../config.js'
import { ConfigError } from '../errors.js'
import { describeError } from './describe-error.js'

export const APPLICATION_NAME = 'schema-sentinel'
export const MAX_CONNECTIONS = 2

// libpq parameters that pg would misread or that we implement ourselves.
// `ssl` too: pg would turn `ssl=true` into TLS with Node's default CAs, overriding sslmode.
const TLS_PARAMS = ['sslmode', 'ssl', 'sslrootcert', 'sslcert', 'sslkey', 'sslpassword', 'uselibpqcompat']

export interface PoolSettings {
  readonly connectionString: string
  readonly ssl: false | ConnectionOptions
}

/** Splits the URL into what pg should see and the TLS options libpq's sslmode means. */
export function poolSettings (config: Pick<DatabaseConfig, 'databaseUrl' | 'databaseSslCa'>): PoolSettings {
  const url = new URL(config.databaseUrl)
  // libpq reads the JDBC-style `ssl=true` as sslmode=require.
  const mode = url.searchParams.get('sslmode') ?? (url.searchParams.get('ssl') === 'true' ? 'require' : 'prefer')
  const rootcert = url.searchParams.get('sslrootcert') ?? undefined
  for (const p of TLS_PARAMS) url.searchParams.delete(p)
  const caPath = config.databaseSslCa ?? rootcert
  const ca = caPath === undefined ? undefined : readCa(caPath, config.databaseSslCa !== undefined ? 'DATABASE_SSL_CA' : 'DATABASE_URL sslrootcert')
  let ssl: false | ConnectionOptions
  switch (mode) {
    // pg cannot fall back from TLS to plain text, so "prefer" and "allow" connect in plain text.
    case 'disable': case 'allow': case 'prefer':
      ssl = false; break
    // libpq: "require" with a root certificate verifies the chain like verify-ca.
    case 'require': case 'no-verify':
      ssl = ca !== undefined && mode === 'require'
        ? { ca, rejectUnauthorized: true, checkServerIdentity: () => undefined }
        : { rejectUnauthorized: false }
      break
    case 'verify-ca':
      ssl = { ca, rejectUnauthorized: true, checkServerIdentity: () => undefined }; break
    default: // verify-full
      ssl = { ca, rejectUnauthorized: true }
  }
  return { connectionString: url.toString(), ssl }
}

function readCa (path: string, variable: string): string {
  try {
    return readFileSync(path, 'utf8')
  } catch (err) {
    throw new ConfigError(variable, `cannot read CA bundle ${path} (${(err as NodeJS.ErrnoException).code ?? 'error'})`)
  }
}

export function createPool (config: DatabaseConfig, logger?: Logger): pg.Pool {
  const { connectionString, ssl } = poolSettings(config)
  const pool = new pg.Pool({
    connectionString,
    ssl,
    max: MAX_CONNECTIONS,
    application_name: APPLICATION_NAME,
    connectionTimeoutMillis: config.checkTimeoutMs,
    // Keep the connection across rounds, but let a quiet pool shrink.
    idleTimeoutMillis: Math.max(30_000, config.checkIntervalMs * 3),
    keepAlive: true,
    allowExitOnIdle: true
  })
  // A backend killed under an idle client emits 'error' on the pool; without a listener it would crash us.
  pool.on('error', (err) => {
    logger?.warn({ err: describeError(err, secretsOf(config)) }, 'idle database connection failed; it will be replaced')
  })
  return pool
}

/** The secrets a message about this database must never contain. */
export function secretsOf (config: Pick<Config, 'databaseUrl' | 'healthToken' | 'metricsToken'> & { readonly deployToken?: string }): string[] {
  const out: string[] = []
  if (config.databaseUrl !== undefined) {
    try {
      const password = decodeURIComponent(new URL(config.databaseUrl).password)
      if (password) out.push(password, encodeURIComponent(password))
    } catch { /* validated elsewhere */ }
    out.push(config.databaseUrl)
  }
  if (config.healthToken) out.push(config.healthToken)
  if (config.metricsToken) out.push(config.metricsToken)
  if (config.deployToken) out.push(config.deployToken)
  return out
}
