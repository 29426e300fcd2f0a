// Graceful shutdown under load, as the README states it: on SIGTERM readiness turns 503 and
// every answer carries `Connection: close` while the service keeps answering for the drain;
// then the listener closes, requests in flight are answered, and the process exits 0.
// What a client sees: one that honours `Connection: close` (every HTTP/1.1 client must) gets
// no connection error while the server still accepts connections. Only at the moment the
// listener closes can a connection that the server had not yet read from be reset: connect
// attempts from then on are refused, and no later connection is ever answered.
import { Agent, request } from 'node:http'
import pg from 'pg'
import t from 'tap'
import { HTTP_LIMITS } from '../../src/http-limits.js'
import { spawnService } from '../helpers/child-service.js'
import { startPostgres } from '../helpers/postgres.js'
import { sleep } from '../helpers/watch.js'

const db = await startPostgres()
t.teardown(() => db.destroy())
await db.query("CREATE TABLE alembic_version (version_num varchar(32) PRIMARY KEY); INSERT INTO alembic_version VALUES ('r1')")

interface Outcome {
  readonly start: number
  readonly end: number
  /** The request went out on a kept-alive connection that had answered before. */
  readonly reused: boolean
  readonly status?: number
  readonly connection?: string
  readonly error?: string
  /** Which request this was on its connection (1 on a fresh one). */
  readonly nth?: number
}

/** One GET on a keep-alive agent, like a load balancer or a monitor with persistent connections. */
async function get (agent: Agent, port: number, path: string): Promise<Outcome> {
  const start = Date.now()
  return await new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path, agent }, (res) => {
      res.resume()
      res.on('end', () => resolve({ start, end: Date.now(), reused: req.reusedSocket, status: res.statusCode ?? 0, connection: res.headers.connection ?? '' }))
    })
    req.once('error', (err: NodeJS.ErrnoException) => resolve({ start, end: Date.now(), reused: req.reusedSocket, error: err.code ?? err.message }))
    req.end()
  })
}

/** `connections` clients, each on its own keep-alive connection, asking `path` back to back until stopped. */
function startClients (port: number, path: string, connections: number): { outcomes: Outcome[], stop (): Promise<void> } {
  const outcomes: Outcome[] = []
  let stopped = false
  const loops = Array.from({ length: connections }, async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 })
    let nth = 0
    while (!stopped) {
      const answer = await get(agent, port, path)
      nth = answer.reused ? nth + 1 : 1
      const outcome = { ...answer, nth }
      outcomes.push(outcome)
      if (outcome.error !== undefined) await sleep(2)
    }
    agent.destroy()
  })
  return { outcomes, async stop () { stopped = true; await Promise.all(loops) } }
}

t.test('SIGTERM under load', async (t) => {
  const svc = await spawnService(t, { DATABASE_URL: db.url(), CHECK_INTERVAL_MS: '200' })
  await svc.waitFor('/health', (r) => r.status === 200, 10_000)

  const load = startClients(svc.port, '/health', 8)
  const probe = startClients(svc.port, '/health/ready', 1)
  await sleep(1000)
  const sigterm = Date.now()
  svc.child.kill('SIGTERM')
  const exit = await svc.exited
  await sleep(50) // a few refused connects after the exit
  await Promise.all([load.stop(), probe.stop()])

  t.equal(exit.code, 0, 'exit code 0 (the 10 s grace timer would have exited 1)')
  const before = load.outcomes.filter((o) => o.end < sigterm)
  t.ok(before.length > 50, `load was running (${before.length} answers before SIGTERM)`)
  t.ok(before.filter((o) => o.reused).length > before.length / 2, 'on kept-alive connections')
  // The last request a connection may carry (maxRequestsPerSocket) is answered with close, as designed.
  const lastOnItsConnection = (o: Outcome): boolean => o.nth === HTTP_LIMITS.maxRequestsPerSocket
  t.same(before.filter((o) => o.status !== 200 || (o.connection === 'close' && !lastOnItsConnection(o))), [], 'before SIGTERM: 200, keep-alive')

  const ready = probe.outcomes.filter((o) => o.start > sigterm && o.status !== undefined)
  const leaving = ready.find((o) => o.status === 503)
  t.ok(leaving !== undefined, `/health/ready answered 503 during shutdown (${JSON.stringify(ready.slice(0, 8).map((o) => o.status))})`)
  t.same(ready.filter((o) => o.start > leaving!.end && o.status === 200), [], 'and never 200 again')

  // From the moment readiness says 503, every answer tells the client to close the connection.
  const answered = [...load.outcomes, ...probe.outcomes].filter((o) => o.status !== undefined)
  const draining = answered.filter((o) => o.start > leaving!.end)
  t.ok(draining.length > 20, `answers kept coming during the drain (${draining.length})`)
  t.same(draining.filter((o) => o.connection !== 'close'), [], 'each with Connection: close')
  t.same([...new Set(answered.map((o) => o.status))].filter((s) => s !== 200 && s !== 503), [], 'only 200 and 503 answers')

  // The guarantee: an error only once the server answers no new connection.
  const errors = [...load.outcomes, ...probe.outcomes].filter((o) => o.error !== undefined)
  const lastFresh = Math.max(...answered.filter((o) => !o.reused).map((o) => o.start))
  const early = errors.filter((e) => e.end < lastFresh)
  t.same(early, [], `no connection error while new connections were still answered (${errors.length} after: ${JSON.stringify(countBy(errors.map((e) => e.error!)))})`)
  t.same(errors.filter((e) => e.reused), [], 'none on a kept-alive connection: no client still held one when the listener closed')
  t.ok(errors.some((e) => e.error === 'ECONNREFUSED'), 'then connections are refused')
  t.match(svc.stdout(), /"msg":"stopped"/, 'logged the stop')
  t.notMatch(svc.stderr(), /^\s+at /m, 'no stack trace')
})

function countBy (values: string[]): Record<string, number> {
  const out: Record<string, number> = {}
  for (const v of values) out[v] = (out[v] ?? 0) + 1
  return out
}

t.test('SIGTERM while a long round waits on a lock: the round is cut short, exit 0', async (t) => {
  // A 30 s deadline is valid configuration (a huge catalog over a slow link); shutdown must not wait for it.
  const svc = await spawnService(t, { DATABASE_URL: db.url(), EXPECTED_REVISION: 'r1', CHECK_INTERVAL_MS: '200', CHECK_TIMEOUT_MS: '30000' })
  await svc.waitFor('/health', (r) => r.status === 200, 10_000)
  const holder = new pg.Client({ connectionString: db.url() })
  await holder.connect()
  t.teardown(() => holder.end())
  await holder.query('BEGIN; LOCK alembic_version IN ACCESS EXCLUSIVE MODE')
  const waiting = "SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'schema-sentinel' AND wait_event_type = 'Lock'"
  for (let i = 0; i < 200 && (await db.query<{ n: number }>(waiting))[0]!.n === 0; i++) await sleep(20)
  t.equal((await db.query<{ n: number }>(waiting))[0]!.n, 1, 'a round is waiting on the lock')
  svc.child.kill('SIGTERM')
  t.equal((await svc.exited).code, 0, 'exit 0: the 10 s grace timer did not fire')
  // The backend waiting on the lock notices its client is gone once it gets the lock (or at
  // its statement_timeout): nothing outlives the lock.
  await holder.query('ROLLBACK')
  const sessions = "SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'schema-sentinel'"
  for (let i = 0; i < 250 && (await db.query<{ n: number }>(sessions))[0]!.n > 0; i++) await sleep(20)
  t.equal((await db.query<{ n: number }>(sessions))[0]!.n, 0, 'no session left once the lock is gone')
})
