// `snapshot`: the live database as a manifest, on stdout. Read through the same read-only
// Lease as a round; checking the same database against the output finds nothing.
import type { Config, DatabaseConfig } from '../config.js'
import { DatabaseError } from '../errors.js'
import { describeError } from '../postgres/describe-error.js'
import { Lease, type Db } from '../postgres/lease.js'
import { createPool, secretsOf } from '../postgres/pool.js'
import { readVersionTable } from '../postgres/version-table.js'
import { describeDatabaseUrl } from '../redact.js'
import { readCatalog } from '../schema/catalog.js'
import { readSecurity } from '../schema/catalog-security.js'
import { manifestJson, manifestYaml, toManifest } from '../schema/to-manifest.js'
import { missingSchemas, missingSchemasWarning } from './missing-schemas.js'

export type SnapshotFormat = 'json' | 'yaml'

/** A one-off read may take longer than a round's CHECK_TIMEOUT_MS (a large catalog over a slow link). */
export const SNAPSHOT_MIN_TIMEOUT_MS = 30_000


/** `warn` gets one line when SCHEMAS names a schema the database does not have. */
export async function runSnapshot (config: DatabaseConfig, format: SnapshotFormat, warn?: (line: string) => void): Promise<string> {
  const timeoutMs = Math.max(config.checkTimeoutMs, SNAPSHOT_MIN_TIMEOUT_MS)
  // The pool's connect timeout is CHECK_TIMEOUT_MS too: give connecting the same longer deadline.
  const pool = createPool({ ...config, checkTimeoutMs: timeoutMs })
  const lease = new Lease(pool, Date.now() + timeoutMs)
  let timer: NodeJS.Timeout | undefined
  let ok = false
  try {
    const expired = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs)
    })
    const read = async () => {
      const catalog = await readCatalog(lease, config.schemas)
      const security = await readSecurity(lease, config.schemas)
      const heads = await readAlembicHeads(lease, config.alembicVersionTable)
      const missing = await missingSchemas(lease, config.schemas)
      await lease.endTransaction()
      return { catalog, security, heads, missing }
    }
    const { catalog, security, heads, missing } = await Promise.race([read(), expired])
    ok = true
    const manifest = toManifest(catalog, { schemas: config.schemas, alembicVersionTable: config.alembicVersionTable, alembicHeads: heads, security })
    const warning = missingSchemasWarning(missing)
    if (warning !== undefined) warn?.(warning)
    return format === 'json'
      ? manifestJson(manifest)
      : manifestYaml(manifest, `schema-sentinel snapshot of ${describeDatabaseUrl(config.databaseUrl ?? '')} (schemas: ${config.schemas.join(', ')})`)
  } catch (err) {
    throw new DatabaseError('snapshot the database', describeError(err, secretsOf(config)), { cause: err })
  } finally {
    clearTimeout(timer)
    lease.release(!ok)
    await pool.end().catch(() => undefined)
  }
}

/** Rows of the version table, sorted, or undefined when it does not exist. */
export async function readAlembicHeads (db: Db, table: Config['alembicVersionTable']): Promise<string[] | undefined> {
  const rows = await readVersionTable(db, table)
  return rows === undefined ? undefined : [...new Set(rows)].sort()
}
