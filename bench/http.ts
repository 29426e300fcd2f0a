// Parts 1 and 2: HTTP throughput of the health routes beside a bare route on the same app,
// and the sidecar database's transaction count idle versus under full HTTP load.
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import pg from 'pg'
import type { Build } from './build.js'
import { sleep, spawnNode, waitForStatus, type NodeChild } from './children.js'
import { load, type LoadResult } from './load.js'
import { fmt, infoRow, mean, median, targetRow, type PartResult, type Row, type Section } from './table.js'

export const TOKEN = 'bench-health-token-4f1c9a'
const INTERVAL_MS = 2000
const WINDOW_MS = 10_000

export interface HttpOptions {
  /** The sidecar's database and manifest. */
  readonly db: { readonly url: string, readonly database: string, readonly manifest: string, readonly tables: number }
  /** Superuser URL of the `postgres` database, to read pg_stat_database. */
  readonly statsUrl: string
  readonly durationS: number
  readonly reps: number
  /** The routes run from this build when it exists (as in production), else from src/ under tsx. */
  readonly build: Build
}

interface Endpoint { readonly name: string, readonly path: string, readonly headers?: Record<string, string> }

const ENDPOINTS: readonly Endpoint[] = [
  { name: 'bare route (fixed JSON)', path: '/bare' },
  { name: '/health', path: '/health' },
  { name: '/health/schema + details (token)', path: '/health/schema', headers: { authorization: `Bearer ${TOKEN}` } }
]

export async function startBenchServer (db: HttpOptions['db'], build: Build): Promise<{ child: NodeChild, url: string }> {
  const modules: Record<string, string> = build.dir !== undefined ? { BENCH_MODULES: pathToFileURL(join(build.dir, 'dist') + '/').href } : {}
  const child = spawnNode(['--import', 'tsx', 'bench/http-server.ts'], {
    ...modules,
    DATABASE_URL: db.url,
    EXPECTED_SCHEMA: db.manifest,
    HEALTH_TOKEN: TOKEN,
    PORT: '0',
    HOST: '127.0.0.1',
    CHECK_INTERVAL_MS: String(INTERVAL_MS),
    LOG_LEVEL: 'warn'
  })
  const url = (await child.line(/^bench-server-url=(\S+)$/))[1]!
  await waitForStatus(`${url}/health/ready`, 200)
  return { child, url }
}

export async function benchHttp (opts: HttpOptions): Promise<PartResult> {
  const { child, url } = await startBenchServer(opts.db, opts.build)
  try {
    for (const e of ENDPOINTS) await load(url + e.path, { durationS: 2, headers: e.headers }) // warm-up (JIT, sockets)
    const runs = new Map<string, LoadResult[]>(ENDPOINTS.map((e) => [e.name, []]))
    for (let rep = 0; rep < opts.reps; rep++) {
      // Rotate the order so that no endpoint always runs first or last on a shared machine.
      for (let i = 0; i < ENDPOINTS.length; i++) {
        const e = ENDPOINTS[(i + rep) % ENDPOINTS.length]!
        runs.get(e.name)!.push(await load(url + e.path, { durationS: opts.durationS, headers: e.headers }))
      }
    }
    const http = httpFigures(runs, opts)
    const db = await dbLoad(url, opts)
    return { rows: [...http.rows, ...db.rows], sections: [...http.sections, ...db.sections] }
  } finally {
    await child.stop()
  }
}

function httpFigures (runs: Map<string, LoadResult[]>, opts: HttpOptions): PartResult {
  const figure = (name: string) => {
    const r = runs.get(name)!
    return { rps: mean(r.map((x) => x.rps)), p50: median(r.map((x) => x.p50)), p99: median(r.map((x) => x.p99)), bad: r.reduce((a, x) => a + x.bad, 0), each: r.map((x) => Math.round(x.rps)) }
  }
  const bare = figure(ENDPOINTS[0]!.name)
  // Each run's req/s against the bare route's in the same round of runs, then the median:
  // a shared machine's load drifts over a minute, less so between neighbouring runs.
  const bareRuns = runs.get(ENDPOINTS[0]!.name)!
  const vsBare = (name: string): number => median(runs.get(name)!.map((x, i) => x.rps / bareRuns[i]!.rps))
  const rows: Row[] = []
  const table: string[][] = []
  for (const e of ENDPOINTS) {
    const f = figure(e.name)
    const ratio = vsBare(e.name)
    table.push([e.name, fmt.rps(f.rps), fmt.x(ratio), `${f.p50} ms`, `${f.p99} ms`, String(f.bad), f.each.join(', ')])
    if (e.path === '/health') rows.push(targetRow('HTTP /health req/s vs bare route', `${fmt.x(ratio)} (${fmt.rps(f.rps)} vs ${fmt.rps(bare.rps)})`, '>= 0.85x', 0.85 / ratio, ratio >= 0.85))
    rows.push(infoRow(`HTTP ${e.path === '/bare' ? 'bare route' : e.path} p50 / p99`, `${f.p50} / ${f.p99} ms`, e.path === '/bare' ? '' : `${fmt.x(ratio)} bare req/s`))
    if (f.bad > 0) rows.push(targetRow(`HTTP ${e.path} non-2xx or errors`, String(f.bad), '0', Number.NaN, false))
  }
  const section: Section = {
    title: 'HTTP: 50 connections, autocannon in its own process',
    headers: ['endpoint', 'req/s (mean)', 'vs bare', 'p50', 'p99', 'non-2xx/errors', 'req/s per run'],
    rows: table,
    notes: [
      `${opts.reps} runs of ${opts.durationS} s per endpoint after a 2 s warm-up each, order rotated per round of runs; req/s is the mean, "vs bare" the median over rounds of each run's ratio to the bare route's run in the same round, p50/p99 the median of the runs (autocannon resolves 1 ms).`,
      `Server: bench/http-server.ts, a child process composed like startService plus one bare route on the same Fastify app (same options, onSend hook, background rounds), running ${opts.build.dir !== undefined ? 'the tsc build of src/' : 'src/ under tsx (the build failed)'}. Load generator: the autocannon CLI in a second child process, so server and load each get a core.`
    ]
  }
  return { rows, sections: [section] }
}

interface Counts { readonly commit: number, readonly rollback: number, readonly statements: number }

async function dbLoad (url: string, opts: HttpOptions): Promise<PartResult> {
  const stats = new pg.Client({ connectionString: opts.statsUrl })
  await stats.connect()
  try {
    // pg_stat_database: a backend flushes its counters at most once a second, and only with
    // other stats pending. pg_stat_statements counts at once. Windows start half an interval
    // after a round, so both edges see the same rounds complete and flushed.
    const counts = async (): Promise<Counts> => {
      await stats.query('SELECT pg_stat_clear_snapshot()')
      const { rows } = await stats.query<{ c: string, r: string, s: string }>(COUNTS_SQL, [opts.db.database])
      return { commit: Number(rows[0]?.c), rollback: Number(rows[0]?.r), statements: Number(rows[0]?.s) }
    }
    const window = async (lead: number): Promise<Counts> => {
      const at = await nextMidRound(url, lead)
      await sleep(at - Date.now())
      const a = await counts()
      await sleep(at + WINDOW_MS - Date.now())
      const b = await counts()
      return { commit: b.commit - a.commit, rollback: b.rollback - a.rollback, statements: b.statements - a.statements }
    }
    const loadS = (WINDOW_MS + 3500) / 1000
    const idle = await window(300)
    const loadRun = load(`${url}/health/schema`, { durationS: loadS, headers: ENDPOINTS[2]!.headers })
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
async function nextMidRound (url: string, lead: number): Promise<number> {
  const res = await fetch(`${url}/health/schema`, { headers: ENDPOINTS[2]!.headers })
  const body = await res.json() as { checks?: Record<string, Array<{ time?: string }>> }
  const time = body.checks?.['postgres:connectivity']?.[0]?.time
  if (time === undefined) throw new Error('the bench server reported no round time')
  let at = Date.parse(time) + INTERVAL_MS / 2
  while (at < Date.now() + lead) at += INTERVAL_MS
  return at
}
