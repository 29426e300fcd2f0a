// Graceful shutdown under load: autocannon hammers /health while `serve` gets SIGTERM.
// No request fails with a connection error while the server still listens, /health/ready
// answers 503 during shutdown, and the process exits 0 (its own timer would exit 1 at 10 s).
import { Agent, request } from 'node:http'
import { connect } from 'node:net'
import pg from 'pg'
import t from 'tap'
import { spawnService } from '../helpers/child-service.js'
import { startLoad } from '../helpers/load.js'
import { startPostgres } from '../helpers/postgres.js'
import { sleep } from '../helpers/watch.js'

const db = await startPostgres()
t.teardown(() => db.destroy())
await db.query("CREATE TABLE alembic_version (version_num varchar(32) PRIMARY KEY); INSERT INTO alembic_version VALUES ('r1')")

/** Resolves true when a fresh TCP connection is accepted, false when refused. */
async function accepts (port: number): Promise<boolean> {
  return await new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port })
    socket.once('connect', () => { socket.destroy(); resolve(true) })
    socket.once('error', () => resolve(false))
  })
}

/** One keep-alive connection asking /health/ready, like a load balancer's probe. */
async function ready (agent: Agent, port: number): Promise<number | string> {
  return await new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: '/health/ready', agent }, (res) => {
      res.resume()
      res.on('end', () => resolve(res.statusCode ?? 0))
    })
    req.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? 'error'))
    req.end()
  })
}

t.test('SIGTERM under load', async (t) => {
  const svc = await spawnService(t, { DATABASE_URL: db.url(), CHECK_INTERVAL_MS: '200' })
  await svc.waitFor('/health', (r) => r.status === 200, 10_000)

  const load = startLoad(`${svc.url}/health`, { connections: 8 })

  // The last moment a fresh connection was still accepted, and the first it was refused.
  let lastAccepted = 0
  let firstRefused = 0
  const probing = (async () => {
    while (firstRefused === 0 && svc.running()) {
      const at = Date.now()
      if (await accepts(svc.port)) lastAccepted = at
      else firstRefused = at
      await sleep(2)
    }
  })()
  const agent = new Agent({ keepAlive: true, maxSockets: 1 })
  const readiness: Array<number | string> = []
  let stopped = false
  const polling = (async () => {
    while (!stopped) { readiness.push(await ready(agent, svc.port)); await sleep(2) }
  })()

  await sleep(1000)
  const before = load.answered()
  const readyBefore = readiness.length
  const sigterm = Date.now()
  svc.child.kill('SIGTERM')
  const exit = await svc.exited
  stopped = true
  await Promise.all([load.stop(), probing, polling])
  const errors = load.errors()
  const statuses = load.statuses()
  agent.destroy()

  t.equal(exit.code, 0, 'exit code 0 (the 10 s grace timer would have exited 1)')
  t.ok(before > 50, `load was running (${before} answers before SIGTERM)`)
  t.ok(firstRefused > 0 || !svc.running(), 'the server stopped listening')
  const early = errors.filter((e) => e.at < lastAccepted)
  t.same(early, [], `no connection error while still listening (${errors.length} errors after, ${errors.filter((e) => e.at < sigterm).length} before SIGTERM)`)
  t.same([...statuses.keys()].filter((s) => s !== 200 && s !== 503), [], `only 200 and 503 answers (${JSON.stringify(Object.fromEntries(statuses))})`)
  const during = readiness.slice(readyBefore)
  t.ok(during.includes(503), `/health/ready answered 503 during shutdown (${JSON.stringify(during.slice(0, 12))})`)
  t.notOk(during.slice(during.indexOf(503)).includes(200), 'and never 200 again')
  t.match(svc.stdout(), /"msg":"stopped"/, 'logged the stop')
  t.notMatch(svc.stderr(), /^\s+at /m, 'no stack trace')
})

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
