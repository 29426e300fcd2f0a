// security:exposure's query at 5,000 tables beside schema:drift's two reads on the same database:
// its quiet round (the catalog fingerprint, src/schema/fingerprint.ts) and its full read's floor
// (bench/catalog.ts FLOOR_SQL). Run alone: `node --import tsx bench/exposure.ts`.
// Supabase-like roles; each table granted to them all, with RLS and a policy (bench/big-schema.ts).
import pg from 'pg'
import { startPostgres } from '../dev/embedded-postgres.js'
import { FINGERPRINT_SQL } from '../src/schema/fingerprint.js'
import { EXPOSURE_FINGERPRINT_SQL } from '../src/security/exposure-fingerprint.js'
import { EXPOSURE_SQL } from '../src/security/exposure-query.js'
import { ACCOUNTS_SQL, ANALYZE_CATALOGS_SQL, createTablesSql } from './big-schema.js'
import { FLOOR_SQL } from './catalog.js'
import { median } from './table.js'

const TABLES = Number(process.env.TABLES ?? 5000)
const RUNS = 7
const ROLES_SQL = `CREATE ROLE anon NOLOGIN; CREATE ROLE authenticated NOLOGIN; CREATE ROLE service_role NOLOGIN BYPASSRLS;
GRANT USAGE ON SCHEMA public TO anon, authenticated, service_role;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT ALL ON TABLES TO anon, authenticated, service_role;`

const server = await startPostgres({ settings: { autovacuum: 'off' } })
try {
  const name = 'bench_exposure'
  const url = await server.createDatabase(name)
  await server.query(ROLES_SQL, [], name)
  await server.query(ACCOUNTS_SQL, [], name)
  const half = Math.floor(TABLES / 2)
  await Promise.all([server.query(createTablesSql(1, half), [], name), server.query(createTablesSql(half + 1, TABLES), [], name)])
  await server.query(ANALYZE_CATALOGS_SQL, [], name)
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  const roles = ['anon', 'authenticated', 'service_role']
  const timed = async (sql: string, params: unknown[]): Promise<{ ms: number, rows: number }> => {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY')
    const t = performance.now()
    const r = await client.query(sql, params)
    const ms = performance.now() - t
    await client.query('ROLLBACK')
    return { ms, rows: r.rowCount ?? 0 }
  }
  const exposure = () => timed(EXPOSURE_SQL, [roles, ['public']])
  const fingerprint = () => timed(FINGERPRINT_SQL, [])
  const floor = () => timed(FLOOR_SQL, [['public']])
  const quiet = () => timed(EXPOSURE_FINGERPRINT_SQL, [])
  await exposure(); await fingerprint(); await floor(); await quiet() // warm
  const e: number[] = []; const f: number[] = []; const d: number[] = []; const q: number[] = []
  let exposedRows = 0
  for (let i = 0; i < RUNS; i++) { // interleaved, so a busy moment hits all three
    const x = await exposure(); e.push(x.ms); exposedRows = x.rows
    f.push((await fingerprint()).ms)
    d.push((await floor()).ms)
    q.push((await quiet()).ms)
  }
  await client.end()
  const me = median(e); const mf = median(f); const md = median(d); const mq = median(q)
  process.stdout.write(`tables ${TABLES}, exposure rows ${exposedRows}, median of ${RUNS}\n` +
    `exposure query ${me.toFixed(1)} ms\ndrift fingerprint (quiet round) ${mf.toFixed(1)} ms\ndrift full read floor ${md.toFixed(1)} ms\n` +
    `exposure / fingerprint ${(me / mf).toFixed(2)}x, exposure / full read ${(me / md).toFixed(3)}x\n` +
    `exposure quiet round (its fingerprint) ${mq.toFixed(1)} ms: ${(mq / me).toFixed(2)}x the exposure query, ${(mq / mf).toFixed(2)}x drift's fingerprint\n` +
    `samples: exposure ${e.map((v) => v.toFixed(0)).join(' ')}; fingerprint ${f.map((v) => v.toFixed(0)).join(' ')}; floor ${d.map((v) => v.toFixed(0)).join(' ')}; exposure fingerprint ${q.map((v) => v.toFixed(1)).join(' ')}\n`)
} finally {
  await server.destroy()
}
