// Part 1: HTTP throughput of every health route beside a bare Fastify process serving fixed JSON
// (bench/bare-server.ts), measured in pairs of neighbouring runs; then part 2, the database load
// under that traffic (bench/db-load.ts).
import { writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { Build } from './build.js'
import { dbLoad, INTERVAL_MS } from './db-load.js'
import { spawnNode, waitForStatus, type NodeChild } from './children.js'
import { readFileSync } from 'node:fs'
import type { LoadResult } from './load.js'
import { loadGenerator, pinServer } from './wrk.js'
import { fmt, infoRow, mean, median, targetRow, type PartResult, type Row, type Section } from './table.js'

export const TOKEN = 'bench-health-token-4f1c9a'
const AUTH = { authorization: `Bearer ${TOKEN}` }

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

type ServerName = 'bare' | 'public' | 'token'
interface Endpoint {
  readonly name: string
  readonly server: Exclude<ServerName, 'bare'>
  readonly path: string
  readonly headers?: Record<string, string>
  /** The bare process's path to compare with (default: the same path, its 35-byte body). */
  readonly barePath?: string
  /** A row for information, not a target. */
  readonly info?: boolean
}

const ENDPOINTS: readonly Endpoint[] = [
  { name: '/health (no HEALTH_TOKEN: details public)', server: 'public', path: '/health' },
  { name: '/health (HEALTH_TOKEN set, none sent)', server: 'token', path: '/health' },
  { name: '/health/schema + details (token sent)', server: 'token', path: '/health/schema', headers: AUTH },
  { name: '/health/live', server: 'token', path: '/health/live' },
  { name: '/health/ready', server: 'token', path: '/health/ready' },
  // The details body is about 2 KB, the bare one 35 bytes: sending the bytes costs the kernel too.
  // The same route beside a bare process answering that same JSON tells the two costs apart.
  { name: '/health/schema + details, vs the same JSON from the bare process', server: 'token', path: '/health/schema', headers: AUTH, barePath: '/same-body', info: true }
]

async function start (args: readonly string[], env: Record<string, string>): Promise<{ child: NodeChild, url: string }> {
  const child = spawnNode(args, { PORT: '0', HOST: '127.0.0.1', ...env })
  const url = (await child.line(/^bench-server-url=(\S+)$/))[1]!
  await pinServer(child.pid)
  return { child, url }
}

/** The service as `serve` runs it (the plugin, via startService), from the build when there is one. */
export async function startBenchServer (db: HttpOptions['db'], build: Build, env: Record<string, string> = { HEALTH_TOKEN: TOKEN }): Promise<{ child: NodeChild, url: string }> {
  const modules: Record<string, string> = build.dir !== undefined ? { BENCH_MODULES: pathToFileURL(join(build.dir, 'dist') + '/').href } : {}
  const started = await start(['--import', 'tsx', 'bench/http-server.ts'], {
    // A generous deadline: on a busy shared machine a round that times out would turn /health 503.
    ...modules, ...env, DATABASE_URL: db.url, EXPECTED_SCHEMA: db.manifest, CHECK_INTERVAL_MS: String(INTERVAL_MS), CHECK_TIMEOUT_MS: '10000', LOG_LEVEL: 'warn'
  })
  await waitForStatus(`${started.url}/health/ready`, 200)
  return started
}

export async function benchHttp (opts: HttpOptions): Promise<PartResult> {
  const servers = new Map<ServerName, { child: NodeChild, url: string }>()
  try {
    servers.set('public', await startBenchServer(opts.db, opts.build, {}))
    servers.set('token', await startBenchServer(opts.db, opts.build))
    const details = join(dirname(opts.db.manifest), 'bench-details-body.json')
    writeFileSync(details, await (await fetch(`${servers.get('token')!.url}/health/schema`, { headers: AUTH })).text())
    servers.set('bare', await start(['--import', 'tsx', 'bench/bare-server.ts'], { SAME_BODY_FILE: details }))
    const generator = loadGenerator()
    // Each run also takes the server's CPU time (/proc/<pid>/stat): µs per request depends less
    // on what else the shared machine runs than req/s does.
    const run = async (server: ServerName, e: Endpoint, durationS: number): Promise<Run> => {
      const s = servers.get(server)!
      const before = cpuTicks(s.child.pid)
      const path = server === 'bare' ? e.barePath ?? e.path : e.path
      const result = await generator.run(s.url + path, { durationS, headers: server === 'bare' ? undefined : e.headers })
      return { ...result, cpuUs: (cpuTicks(s.child.pid) - before) * 10_000 / Math.max(1, result.requests) }
    }
    for (const e of ENDPOINTS) { await run('bare', e, 1); await run(e.server, e, 2) } // warm-up (JIT, sockets)
    const pairs = new Map<string, Pair[]>(ENDPOINTS.map((e) => [e.name, []]))
    for (let rep = 0; rep < opts.reps; rep++) {
      // Each endpoint's run beside a bare run, alternating which goes first, and the order of
      // endpoints rotated: on a shared machine the load drifts over a minute, less within a pair.
      for (let i = 0; i < ENDPOINTS.length; i++) {
        const e = ENDPOINTS[(i + rep) % ENDPOINTS.length]!
        const first = rep % 2 === 0 ? 'bare' : e.server
        const a = await run(first, e, opts.durationS)
        const b = await run(first === 'bare' ? e.server : 'bare', e, opts.durationS)
        pairs.get(e.name)!.push(first === 'bare' ? { bare: a, ours: b } : { bare: b, ours: a })
      }
    }
    const http = figures(pairs, opts, generator.name)
    // Part 2 counts one service's rounds: the others stop first.
    for (const name of ['bare', 'public'] as const) { await servers.get(name)!.child.stop(); servers.delete(name) }
    const token = servers.get('token')!
    const db = await dbLoad({ database: opts.db.database, statsUrl: opts.statsUrl, url: token.url, headers: AUTH })
    return { rows: [...http.rows, ...db.rows], sections: [...http.sections, ...db.sections] }
  } finally {
    for (const s of servers.values()) await s.child.stop()
  }
}

interface Run extends LoadResult { readonly cpuUs: number }
interface Pair { readonly bare: Run, readonly ours: Run }

/** utime + stime of a process, in clock ticks (1/100 s on Linux). */
function cpuTicks (pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
  return Number(fields[11]) + Number(fields[12])
}

function figures (pairs: Map<string, Pair[]>, opts: HttpOptions, generator: string): PartResult {
  const rows: Row[] = []
  const table: string[][] = []
  for (const e of ENDPOINTS) {
    const p = pairs.get(e.name)!
    const ratio = median(p.map((x) => x.ours.rps / x.bare.rps))
    const ours = mean(p.map((x) => x.ours.rps))
    const bare = mean(p.map((x) => x.bare.rps))
    const bad = p.reduce((a, x) => a + x.ours.bad + x.bare.bad, 0)
    const p50 = median(p.map((x) => x.ours.p50))
    const p99 = median(p.map((x) => x.ours.p99))
    const cpu = median(p.map((x) => x.ours.cpuUs))
    const cpuBare = median(p.map((x) => x.bare.cpuUs))
    table.push([e.name, fmt.rps(ours), fmt.rps(bare), fmt.x(ratio), p.map((x) => (x.ours.rps / x.bare.rps).toFixed(2)).join(', '),
      `${cpu.toFixed(1)} / ${cpuBare.toFixed(1)} us`, `${p50} / ${p99} ms`, String(bad)])
    if (e.info === true) rows.push(infoRow(`HTTP ${e.name}`, `${fmt.x(ratio)} (${fmt.rps(ours)} vs ${fmt.rps(bare)})`, `CPU ${cpu.toFixed(1)} / ${cpuBare.toFixed(1)} us`))
    else rows.push(targetRow(`HTTP ${e.name} req/s vs a bare Fastify process`, `${fmt.x(ratio)} (${fmt.rps(ours)} vs ${fmt.rps(bare)})`, '>= 0.85x', 0.85 / ratio, ratio >= 0.85))
    if (bad > 0) rows.push(targetRow(`HTTP ${e.name}: non-2xx or errors`, String(bad), '0', Number.NaN, false))
  }
  const health = ENDPOINTS.map((e) => median(pairs.get(e.name)!.map((x) => x.ours.p99)))
  rows.push(infoRow('HTTP health routes p99 (median of runs)', `${Math.min(...health)}-${Math.max(...health)} ms`))
  const section: Section = {
    title: `HTTP: every health route beside a bare Fastify process, 50 connections, ${generator}`,
    headers: ['endpoint', 'req/s (mean)', 'bare req/s (mean)', 'vs bare (median)', 'each pair', 'server CPU per request, ours / bare (median)', 'p50 / p99', 'non-2xx/errors'],
    rows: table,
    notes: [
      `${opts.reps} pairs of ${opts.durationS} s runs per endpoint after a warm-up: each pair is one run against the service and one against the bare process on the same path, back to back, alternating which goes first; endpoints rotate between rounds. "vs bare" is the median of the pairs' ratios; p50/p99 the median of the runs (wrk reports hundredths of a ms, autocannon whole ms). Issue 12 reported, before this rework, /health at 0.51x, /health with a token set at 0.70x and /health/schema with details at 0.36x a bare Fastify process (wrk, 50 connections, alternating runs on this machine).`,
      `Service: bench/http-server.ts, the plugin \`serve\` uses, started by startService, running ${opts.build.dir !== undefined ? 'the tsc build of src/' : 'src/ under tsx (the build failed)'}, with background rounds every ${INTERVAL_MS} ms against the 20-table database (warn-level drift, so the details carry findings). Two instances: one with HEALTH_TOKEN (for "token set" and the details), one without (details public on /health).`,
      `Baseline: bench/bare-server.ts, a separate node process with \`Fastify()\` defaults (no logger, no hooks) answering \`{"status":"pass","version":"0.1.0"}\` from an async handler on the same paths, and for the last row the details body the service sent, from the same kind of handler (Fastify serialises it per request, as any bare route does; the service sends a body rendered once per round). Load: ${generator} in its own process, 50 connections, so on 2 cores server and load each get one; only one server is under load at a time. Server CPU per request: the server process's utime + stime over the run (/proc/<pid>/stat) divided by the requests answered.`
    ]
  }
  return { rows, sections: [section] }
}
