// The two sides of `diff`: a SOURCE is a postgres:// URL (read as `snapshot` reads it) or a
// manifest file. --from is what is right; --to is compared with it as the drift check compares
// a live database with a manifest.
import type { Config } from '../config.js'
import { checkDatabaseUrl } from '../config-values.js'
import { isSentinelError, SentinelError } from '../errors.js'
import type { ExpectedSchema } from '../expectation.js'
import { describeError } from '../postgres/describe-error.js'
import { Lease } from '../postgres/lease.js'
import { createPool, secretsOf } from '../postgres/pool.js'
import { describeDatabaseUrl } from '../redact.js'
import { readCatalog, tableKey, type CatalogSnapshot } from '../schema/catalog.js'
import { readSecurity, type CatalogSecurity } from '../schema/catalog-security.js'
import { loadManifest, parseManifest } from '../schema/manifest.js'
import { manifestJson, toManifest } from '../schema/to-manifest.js'

export type SourceFlag = '--from' | '--to'

export type Source =
  | { readonly kind: 'database', readonly flag: SourceFlag, readonly url: string }
  | { readonly kind: 'manifest', readonly flag: SourceFlag, readonly file: string }

/** A source that could not be read; the message names the flag and never holds a password. */
export class SourceError extends SentinelError {
  override name = 'SourceError' as const
  constructor (readonly flag: SourceFlag, readonly problem: string, options?: { cause?: unknown }) {
    super(`${flag}: ${problem}`, options)
  }
}

export function parseSource (flag: SourceFlag, value: string): Source {
  const text = value.trim()
  if (text === '') throw new SourceError(flag, 'must not be empty (a postgres:// URL or a manifest file)')
  if (/^postgres(ql)?:\/\//i.test(text)) {
    checkDatabaseUrl(text, flag)
    return { kind: 'database', flag, url: text }
  }
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(text)?.[1]
  if (scheme !== undefined) throw new SourceError(flag, `has scheme "${scheme}", expected a postgres:// or postgresql:// URL or a manifest file`)
  return { kind: 'manifest', flag, file: text }
}

/** How output and errors name a source: host, port and database, or the file. */
export function describeSource (source: Source): string {
  return source.kind === 'database' ? `database ${describeDatabaseUrl(source.url)}` : source.file
}

export async function readManifestSource (source: Extract<Source, { kind: 'manifest' }>): Promise<ExpectedSchema> {
  try {
    return await loadManifest(source.file)
  } catch (err) {
    if (isSentinelError(err)) throw new SourceError(source.flag, err.message, { cause: err })
    throw err
  }
}

/** A database as read: its catalog and its row-level security, policies and grants by tableKey. */
export interface DatabaseSide {
  readonly catalog: CatalogSnapshot
  readonly security: ReadonlyMap<string, CatalogSecurity>
}

/**
 * The database's tables in `schemas` and their security, read in one read-only transaction on
 * one connection, within CHECK_TIMEOUT_MS.
 */
export async function readDatabaseSource (source: Extract<Source, { kind: 'database' }>, config: Config, schemas: readonly string[]): Promise<DatabaseSide> {
  const settings = { ...config, databaseUrl: source.url }
  const pool = createPool(settings)
  const timeoutMs = config.checkTimeoutMs
  const lease = new Lease(pool, Date.now() + timeoutMs)
  let timer: NodeJS.Timeout | undefined
  let ok = false
  try {
    const expired = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms (CHECK_TIMEOUT_MS)`)), timeoutMs)
    })
    const read = async () => {
      const catalog = await readCatalog(lease, schemas)
      const security = await readSecurity(lease, schemas)
      await lease.endTransaction()
      return { catalog, security }
    }
    const side = await Promise.race([read(), expired])
    ok = true
    return side
  } catch (err) {
    throw new SourceError(source.flag, `cannot read ${describeSource(source)}: ${describeError(err, secretsOf(settings))}`, { cause: err })
  } finally {
    clearTimeout(timer)
    lease.release(!ok)
    await pool.end().catch(() => undefined)
  }
}

/**
 * A database read as --from: its snapshot manifest, loaded like any manifest, so everything
 * `snapshot` writes (every column's type, nullability and default, rls, policies, grants) is expected.
 */
export function catalogAsExpected ({ catalog, security }: DatabaseSide, source: Source, config: Pick<Config, 'schemas' | 'alembicVersionTable'>): ExpectedSchema {
  const manifest = toManifest(catalog, { schemas: config.schemas, alembicVersionTable: config.alembicVersionTable, security })
  try {
    return withColumnKinds(parseManifest(manifestJson(manifest), `${describeSource(source)}.json`), catalog, config.schemas[0] ?? 'public')
  } catch (err) {
    if (isSentinelError(err)) throw new SourceError(source.flag, `cannot compare ${describeSource(source)}: ${err.message}`, { cause: err })
    throw err
  }
}

/**
 * Identity and generated columns, which the manifest format cannot say: carried from the
 * catalog so that a fix creates such a column as such.
 */
function withColumnKinds (expected: ExpectedSchema, catalog: CatalogSnapshot, defaultSchema: string): ExpectedSchema {
  const tables = expected.tables.map((t) => {
    const live = catalog.tables.get(tableKey(t.schema ?? defaultSchema, t.name))
    const special = live?.columns.filter((c) => c.identity !== undefined || c.generated !== undefined) ?? []
    if (special.length === 0) return t
    const columns = new Map(t.columns)
    for (const c of special) {
      const spec = columns.get(c.name)
      if (spec === undefined) continue
      columns.set(c.name, Object.freeze({ ...spec, ...(c.identity !== undefined ? { identity: c.identity } : {}), ...(c.generated !== undefined ? { generated: c.generated } : {}) }))
    }
    return Object.freeze({ ...t, columns })
  })
  return Object.freeze({ ...expected, tables: Object.freeze(tables) })
}
