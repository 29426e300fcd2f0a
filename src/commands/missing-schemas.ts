// SCHEMAS (or --schemas) naming a schema the database does not have is nearly always a typo,
// and nothing would be compared there: say so, in one line.
import type { Pool } from 'pg'
import { Lease, type Db } from '../postgres/lease.js'

// Everything qualified: no function or operator of the database's own can stand in.
const MISSING_SCHEMAS = `SELECT s.name FROM pg_catalog.unnest($1::pg_catalog.text[]) WITH ORDINALITY AS s(name, n)
  WHERE NOT EXISTS (SELECT 1 FROM pg_catalog.pg_namespace ns WHERE ns.nspname OPERATOR(pg_catalog.=) s.name::pg_catalog.name)
  ORDER BY s.n`

export async function missingSchemas (db: Db, schemas: readonly string[]): Promise<string[]> {
  return (await db.query<{ name: string }>(MISSING_SCHEMAS, [schemas])).map((r) => r.name)
}

export function missingSchemasWarning (missing: readonly string[]): string | undefined {
  if (missing.length === 0) return undefined
  return `warning: SCHEMAS names ${missing.length === 1 ? 'a schema' : 'schemas'} the database does not have: ${missing.join(', ')}`
}

/** The warning for this database, if any; undefined too when it cannot be asked (the checks say why). */
export async function checkSchemasExist (pool: Pool, schemas: readonly string[], timeoutMs: number): Promise<string | undefined> {
  const lease = new Lease(pool, Date.now() + timeoutMs)
  let ok = false
  try {
    const warning = missingSchemasWarning(await missingSchemas(lease, schemas))
    await lease.endTransaction()
    ok = true
    return warning
  } catch {
    return undefined
  } finally {
    lease.release(!ok)
  }
}
