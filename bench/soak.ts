// npm run soak: SOAK_MINUTES (default 10) of rounds every 100 ms against a 10,000-column
// manifest (500 tables x 20 columns, taken with `snapshot`) under steady HTTP load. Prints
// RSS and heap every minute and a verdict: RSS is flat when the last minute's mean is
// within 10 % of minute 2's (minute 1 is warm-up). Exit 0 when flat and nothing failed.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort, startPostgres } from '../dev/embedded-postgres.js'
import { runSnapshot } from '../src/commands/snapshot.js'
import { loadConfig } from '../src/config.js'
import { startLoad } from '../test/helpers/load.js'
import { sampleConnections } from '../test/helpers/watch.js'
import { ANALYZE_CATALOGS_SQL, COLUMNS_PER_TABLE, createTablesSql } from './big-schema.js'
import { memoryOf, spawnNode } from './children.js'

const MINUTES = Number(process.env.SOAK_MINUTES ?? 10)
const TABLES = Number(process.env.SOAK_TABLES ?? 500)
const RATE = Number(process.env.SOAK_RATE ?? 100)
const INTERVAL_MS = 100
const TOLERANCE = 0.10
if (!Number.isFinite(MINUTES) || MINUTES < 2) throw new Error('SOAK_MINUTES must be a number >= 2 (minute 1 is warm-up)')

const mb = (bytes: number): string => (bytes / 1024 / 1024).toFixed(1)
const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length)
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

function metric (text: string, name: string, labels = ''): number {
  const line = text.split('\n').find((l) => l.startsWith(`${name}${labels} `))
  return Number(line?.split(' ')[1] ?? Number.NaN)
}

const pg = await startPostgres({ settings: { autovacuum: 'off' } })
const dir = mkdtempSync(join(tmpdir(), 'sentinel-soak-'))
let exitCode = 1
try {
  const url = await pg.createDatabase('soak')
  const half = Math.floor(TABLES / 2)
  await Promise.all([pg.query(createTablesSql(1, half), [], 'soak'), pg.query(createTablesSql(half + 1, TABLES), [], 'soak')])
  await pg.query(ANALYZE_CATALOGS_SQL, [], 'soak')
  const manifest = join(dir, 'expected.json')
  writeFileSync(manifest, await runSnapshot(loadConfig({ DATABASE_URL: url }, {}, { requireDatabase: true }), 'json'))

  const port = await freePort()
  const service = spawnNode(['--import', 'tsx', 'src/bin.ts', 'serve'], {
    DATABASE_URL: url, EXPECTED_SCHEMA: manifest, PORT: String(port), HOST: '127.0.0.1',
    CHECK_INTERVAL_MS: String(INTERVAL_MS), CHECK_TIMEOUT_MS: '5000', LOG_LEVEL: 'warn'
  })
  const base = `http://127.0.0.1:${port}`
  try {
    await service.line(/"level":/, 60_000).catch(() => undefined)
    for (let i = 0; i < 600 && (await fetch(`${base}/health/schema`).then((r) => r.status, () => 0)) !== 200; i++) await sleep(100)
    const sessions = sampleConnections(pg.url('soak'), 200)
    const rollbacks = async (): Promise<number> =>
      Number((await pg.query<{ n: string }>("SELECT xact_rollback AS n FROM pg_stat_database WHERE datname = 'soak'"))[0]?.n ?? 0)
    const load = startLoad(`${base}/health`, { connections: 4, rate: RATE, paths: ['/health', '/health/schema', '/metrics', '/health/ready'] })

    console.log(`soak: ${MINUTES} min; rounds every ${INTERVAL_MS} ms; manifest ${TABLES} tables x ${COLUMNS_PER_TABLE} columns = ${TABLES * COLUMNS_PER_TABLE} columns; HTTP load ${RATE} req/s`)
    console.log('minute  rss_mb  heap_used_mb  heap_total_mb  external_mb  rounds  drift_ms  findings  answers  non_2xx  conn_errors  sessions_max')
    const rssByMinute: number[] = []
    let lastRollbacks = await rollbacks()
    let lastAnswers = 0
    for (let minute = 1; minute <= MINUTES; minute++) {
      const samples: number[] = []
      const until = Date.now() + 60_000
      while (Date.now() < until) {
        samples.push(memoryOf(service.pid).rssKb * 1024)
        await sleep(5000)
      }
      const text = await (await fetch(`${base}/metrics`)).text()
      const now = await rollbacks()
      const rss = mean(samples)
      rssByMinute.push(rss)
      const non2xx = [...load.statuses()].filter(([s]) => s >= 300).reduce((a, [, n]) => a + n, 0)
      const findings = ['missing_table', 'missing_column', 'type_mismatch'].reduce((a, k) => a + metric(text, 'schema_sentinel_drift_findings', `{kind="${k}",severity="fail"}`), 0)
      console.log([
        String(minute).padStart(6), mb(rss).padStart(6), mb(metric(text, 'schema_sentinel_nodejs_heap_size_used_bytes')).padStart(12),
        mb(metric(text, 'schema_sentinel_nodejs_heap_size_total_bytes')).padStart(13), mb(metric(text, 'schema_sentinel_nodejs_external_memory_bytes')).padStart(11),
        String(Math.round((now - lastRollbacks) / 3)).padStart(6),
        (metric(text, 'schema_sentinel_check_duration_seconds', '{check="schema:drift"}') * 1000).toFixed(0).padStart(8),
        String(findings).padStart(8), String(load.answered() - lastAnswers).padStart(7), String(non2xx).padStart(7),
        String(load.errors().length).padStart(11), String(sessions.max()).padStart(12)
      ].join('  '))
      lastRollbacks = now
      lastAnswers = load.answered()
    }
    await load.stop()
    await sessions.stop()

    const second = rssByMinute[1]!
    const last = rssByMinute.at(-1)!
    const change = (last - second) / second
    const flat = Math.abs(change) <= TOLERANCE
    const clean = load.errors().length === 0 && sessions.max() <= 2 && service.proc.exitCode === null
    console.log(`verdict: RSS ${flat ? 'flat' : 'NOT flat'}: minute 2 ${mb(second)} MB, minute ${MINUTES} ${mb(last)} MB (${change >= 0 ? '+' : ''}${(change * 100).toFixed(1)} %, tolerance ${TOLERANCE * 100} %); ` +
      `${load.errors().length} connection errors, at most ${sessions.max()} database sessions, service ${service.proc.exitCode === null ? 'running' : 'EXITED'}`)
    exitCode = flat && clean ? 0 : 1
  } finally {
    await service.stop()
  }
} finally {
  await pg.destroy()
  rmSync(dir, { recursive: true, force: true })
}
process.exit(exitCode)
