// Part 2: the sidecar database's transaction and statement counts idle versus under full HTTP
// load on /health/schema with details: request rate must never become database load.
import pg from 'pg'
import { sleep } from './children.js'
import { load } from './load.js'
import { fmt, targetRow, type PartResult, type Section } from './table.js'

export const INTERVAL_MS = 2000
const WINDOW_MS = 10_000

export interface DbLoadOptions {
  /** The sidecar's database name. */
  readonly database: string
  /** Superuser URL of the `postgres` database, to read pg_stat_database. */
  readonly statsUrl: string
  /** The service (CHECK_INTERVAL_MS = INTERVAL_MS) and the headers that show details. */
  readonly url: string
  readonly headers: Readonly<Record<string, string>>
}

interface Counts { readonly commit: number, readonly rollback: number, readonly statements: number }

export async function dbLoad (opts: DbLoadOptions): Promise<PartResult> {
  const url = opts.url
  const stats = new pg.Client({ connectionString: opts.statsUrl })
  await stats.connect()
  try {
    // pg_stat_database: a backend flushes its counters at most once a second, and only with
    // other stats pending. pg_stat_statements counts at once. Windows start half an interval
    // after a round, so both edges see the same rounds complete and flushed.
    const counts = async (): Promise<Counts> => {
      await stats.query('SELECT pg_stat_clear_snapshot()')
      const { rows } = await stats.query<{ c: string, r: string, s: string }>(COUNTS_SQL, [opts.database])
      return { commit: Number(rows[0]?.c), rollback: Number(rows[0]?.r), statements: Number(rows[0]?.s) }
    }
    const window = async (lead: number): Promise<Counts> => {
      const at = await nextMidRound(url, opts.headers, lead)
      await sleep(at - Date.now())
      const a = await counts()
      await sleep(at + WINDOW_MS - Date.now())
      const b = await counts()
      return { commit: b.commit - a.commit, rollback: b.rollback - a.rollback, statements: b.statements - a.statements }
    }
    const loadS = (WINDOW_MS + 3500) / 1000
    const idle = await window(300)
    const loadRun = load(`${url}/health/schema`, { durationS: loadS, headers: opts.headers })
    const busy = await window(1500)
    const served = await loadRun
    const rounds = WINDOW_MS / INTERVAL_MS
    const xacts = (w: Counts): number => w.commit + w.rollback
    const xactRound = xacts(idle) / rounds
    const stmtRound = idle.statements / rounds
    const xactDiff = Math.abs(xacts(busy) - xacts(idle))
    const stmtDiff = Math.abs(busy.statements - idle.statements)
    const within = (diff: number, perRound: number): boolean => perRound > 0 && diff <= perRound
    const rows = [
      targetRow('DB transactions in 10 s: full HTTP load vs idle',
        `${xacts(busy)} vs ${xacts(idle)} (diff ${xactDiff}; ${fmt.int(served.requests)} requests)`,
        `diff <= 1 round (${xactRound.toFixed(1)})`, xactRound > 0 ? xactDiff / xactRound : Number.NaN, within(xactDiff, xactRound)),
      targetRow('DB statements in 10 s: full HTTP load vs idle',
        `${busy.statements} vs ${idle.statements} (diff ${stmtDiff})`,
        `diff <= 1 round (${stmtRound.toFixed(1)})`, stmtRound > 0 ? stmtDiff / stmtRound : Number.NaN, within(stmtDiff, stmtRound))
    ]
    const section: Section = {
      title: 'Database load versus request rate',
      headers: ['window (10 s)', 'xact_commit', 'xact_rollback', 'statements', 'HTTP requests in window'],
      rows: [
        ['idle', String(idle.commit), String(idle.rollback), String(idle.statements), '0'],
        ['50 connections on /health/schema + details', String(busy.commit), String(busy.rollback), String(busy.statements), `~${fmt.int(served.requests * WINDOW_MS / 1000 / loadS)}`]
      ],
      notes: [
        `CHECK_INTERVAL_MS=${INTERVAL_MS}: ${rounds} rounds per window, so one round = ${xactRound.toFixed(1)} transactions and ${stmtRound.toFixed(1)} statements here. Each check's queries run in one READ ONLY transaction that ends in ROLLBACK, so xact_rollback counts beside xact_commit.`,
        'Transactions from pg_stat_database for the sidecar\'s database (read from another database after pg_stat_clear_snapshot()); statements (BEGIN, SET, queries, ROLLBACK) from pg_stat_statements, which counts without delay.'
      ]
    }
    return { rows, sections: [section] }
  } finally {
    await stats.end()
  }
}

const COUNTS_SQL = `
SELECT d.xact_commit AS c, d.xact_rollback AS r,
       (SELECT coalesce(sum(s.calls), 0) FROM pg_stat_statements s WHERE s.dbid = d.datid) AS s
  FROM pg_stat_database d WHERE d.datname = $1`

/** A time (Date.now() scale) half an interval after a round started, at least `lead` ms from now. */
async function nextMidRound (url: string, headers: Readonly<Record<string, string>>, lead: number): Promise<number> {
  const res = await fetch(`${url}/health/schema`, { headers })
  const body = await res.json() as { checks?: Record<string, Array<{ time?: string }>> }
  const time = body.checks?.['postgres:connectivity']?.[0]?.time
  if (time === undefined) throw new Error('the bench server reported no round time')
  let at = Date.parse(time) + INTERVAL_MS / 2
  while (at < Date.now() + lead) at += INTERVAL_MS
  return at
}
