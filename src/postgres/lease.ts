// One round's hold on one pooled connection. Every check runs in its own
// READ ONLY transaction with a statement_timeout that ends at the round's deadline,
// which works through pgbouncer's transaction pooling as well as on direct connections.
// REPEATABLE READ: all of a check's statements see one snapshot (schema:drift's catalog
// fingerprint and the read it guards must describe the same state).
import type pg from 'pg'
import { CopyOut } from './copy-out.js'
import { PINNED_SEARCH_PATH } from './search-path.js'

export interface Db {
  query<R extends Record<string, unknown> = Record<string, unknown>> (sql: string, params?: readonly unknown[]): Promise<R[]>
  /**
   * Every value of one column of one plain table, through COPY ... TO STDOUT: unlike a SELECT,
   * COPY of a table is never planned, so nothing of the table's own (index predicates and
   * expressions, statistics expressions, CHECK constraints) is evaluated; a view or anything
   * else that is not a plain table is an error. NULL comes as null.
   */
  copyColumn? (table: QualifiedName, column: string, onValue: (value: string | null) => void): Promise<void>
}

export interface QualifiedName {
  readonly schema: string
  readonly name: string
}

export class Lease implements Db {
  #client: pg.PoolClient | undefined
  #connecting: Promise<pg.PoolClient> | undefined
  #inTransaction = false
  #broken = false
  #closed = false
  readonly #onClientError = (): void => { this.#broken = true }

  constructor (private readonly pool: pg.Pool, private readonly deadline: number) {}

  async query<R extends Record<string, unknown>> (sql: string, params?: readonly unknown[]): Promise<R[]> {
    refuseEscape(sql)
    const client = await this.#begin()
    // The extended protocol takes exactly one statement: no "COMMIT; INSERT ..." in one string.
    const result = await client.query({ text: sql, values: (params ?? []) as unknown[], queryMode: 'extended' } as pg.QueryConfig)
    return result.rows as R[]
  }

  async copyColumn (table: QualifiedName, column: string, onValue: (value: string | null) => void): Promise<void> {
    const client = await this.#begin()
    const sql = `COPY ${quoteIdent(table.schema)}.${quoteIdent(table.name)} (${quoteIdent(column)}) TO STDOUT`
    await new Promise<void>((resolve, reject) => {
      client.query(new CopyOut(sql, onValue, (err) => err === undefined ? resolve() : reject(err)) as unknown as pg.QueryConfig)
    })
  }

  async #begin (): Promise<pg.PoolClient> {
    const client = await this.#connect()
    if (!this.#inTransaction) {
      const remaining = Math.max(1, Math.floor(this.deadline - Date.now()))
      // A lock wait (a migration's ALTER TABLE, a LOCK on alembic_version) gives up a little
      // before the deadline, so the failure says "lock timeout" instead of a bare timeout.
      const lockWait = Math.max(1, remaining - Math.min(250, Math.floor(remaining / 5)))
      await client.query(`BEGIN TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY; SET LOCAL statement_timeout = ${remaining}; SET LOCAL lock_timeout = ${lockWait}; ${PIN}`)
      this.#inTransaction = true
    }
    return client
  }

  /** Ends the current check's transaction; a connection that cannot roll back is broken. */
  async endTransaction (): Promise<void> {
    if (!this.#inTransaction || this.#client === undefined) return
    this.#inTransaction = false
    try {
      await this.#client.query('ROLLBACK')
    } catch {
      this.#broken = true
    }
  }

  /** Gives the connection back, or destroys it when the round failed, timed out or broke it. */
  release (destroy: boolean): void {
    this.#closed = true
    const client = this.#client
    this.#client = undefined
    if (client === undefined) return
    finish(client, destroy || this.#broken || this.#inTransaction, this.#onClientError)
  }

  #connect (): Promise<pg.PoolClient> {
    if (this.#client !== undefined) return Promise.resolve(this.#client)
    this.#connecting ??= this.pool.connect().then((client) => {
      client.on('error', this.#onClientError)
      if (this.#closed) {
        // The round gave up while we waited; do not keep a connection nobody will release.
        finish(client, true, this.#onClientError)
        throw new Error('round ended before the connection was made')
      }
      this.#client = client
      return client
    })
    return this.#connecting
  }
}

/**
 * The database's owner can set defaults for every session (ALTER DATABASE ... SET) and plant
 * objects; none of its code may run in ours. Transaction-local, so poolers hand nothing on.
 * - search_path: only pg_catalog, then pg_temp. PostgreSQL never looks up functions or
 *   operators in pg_temp, so an unqualified function or operator can only be pg_catalog's; a
 *   planted public.= or public.to_regclass is not even visible.
 * - row_security off: a query that a policy would apply to fails (42501) instead of running
 *   the policy's expression (superusers and BYPASSRLS roles bypass policies anyway).
 * - constraint_exclusion off: with it on, planning a query on a table folds the table's CHECK
 *   constraints, calling their immutable functions in our session.
 */
export const PIN = `SET LOCAL search_path = ${PINNED_SEARCH_PATH}; SET LOCAL row_security = off; SET LOCAL constraint_exclusion = off`

/** The SQLSTATE PostgreSQL itself uses for a write in a read-only transaction. */
export class ReadOnlyViolation extends Error {
  override name = 'ReadOnlyViolation' as const
  readonly code = '25006'
  constructor (readonly statement: string) {
    super(`refused ${statement}: checks run inside one read-only transaction`)
  }
}

// A superuser could otherwise leave the READ ONLY transaction (COMMIT, then write with the
// session default), turn it read-write before its first snapshot (SET TRANSACTION READ WRITE),
// or change session settings that a transaction pooler would hand on to the app's connections.
const TRANSACTION_CONTROL = /^(begin|start|commit|end|rollback|abort|savepoint|release|prepare|set|reset|discard)\b/i
const SET_LOCAL = /^set\s+local\s+(?![a-z_.]*(transaction|session|characteristics))[a-z_.]+\s*(=|to\b)/i
const LEADING_NOISE = /^(\s+|--[^\n]*(\n|$)|\/\*[\s\S]*?\*\/|\()+/

function refuseEscape (sql: string): void {
  const statement = sql.replace(LEADING_NOISE, '')
  const keyword = TRANSACTION_CONTROL.exec(statement)?.[1]
  if (keyword !== undefined && !SET_LOCAL.test(statement)) throw new ReadOnlyViolation(keyword.toUpperCase())
}

const quoteIdent = (name: string): string => `"${name.replace(/"/g, '""')}"`

function finish (client: pg.PoolClient, destroy: boolean, listener: (err: Error) => void): void {
  if (destroy) {
    client.release(new Error('schema-sentinel: connection discarded'))
    // release(err) only ends the socket politely; a black-holed peer would keep it half-open.
    const stream = (client as unknown as { connection?: { stream?: { destroy?: () => void } } }).connection?.stream
    stream?.destroy?.()
    // pg may still emit on a destroyed client; keep swallowing for a moment, then let go.
    setTimeout(() => client.removeListener('error', listener), 1000).unref()
  } else {
    // Back in the pool, whose idle listener takes over: removing ours now keeps one reused
    // client from gathering a listener per round (MaxListenersExceededWarning at short intervals).
    client.removeListener('error', listener)
    client.release()
  }
}
