// pg_terminate_backend on the service's session, between rounds and in the middle of one:
// the round in flight may fail (truthfully), the next one passes, and serve never dies.
import t from 'tap'
import { spawnService, type ChildService } from '../helpers/child-service.js'
import { startPostgres } from '../helpers/postgres.js'
import { startTcpProxy } from '../helpers/tcp-proxy.js'
import { sleep } from '../helpers/watch.js'

const pg = await startPostgres()
t.teardown(() => pg.destroy())

const auth = (token: string) => ({ headers: { authorization: `Bearer ${token}` } })
const connectivityTime = (body: string): string => JSON.parse(body).checks['postgres:connectivity'][0].time

const TERMINATE = `SELECT pid, pg_terminate_backend(pid) AS done FROM pg_stat_activity
  WHERE application_name = 'schema-sentinel' AND state = ANY($1)`

/** Waits for a round that finished after `since`, and returns its /health answer. */
async function nextRound (svc: ChildService, since: string, token: string) {
  return await svc.waitFor('/health', (_r, body) => connectivityTime(body) > since, 10_000, auth(token))
}

t.test('terminated between rounds: the next round passes', async (t) => {
  const token = `ht-term-${process.pid}`
  const svc = await spawnService(t, { DATABASE_URL: pg.url(), HEALTH_TOKEN: token, CHECK_INTERVAL_MS: '1000', CHECK_TIMEOUT_MS: '2000' })
  for (let i = 0; i < 3; i++) {
    const { body } = await svc.waitFor('/health', (r) => r.status === 200, 10_000, auth(token))
    // Right after a round finished its session is idle in the pool until the next tick
    // (on a busy machine the next round may already hold it: try again).
    let since = new Date().toISOString()
    let killed: unknown[] = []
    for (let k = 0; k < 100 && killed.length === 0; k++) {
      since = new Date().toISOString()
      killed = await pg.query(TERMINATE, [['idle']])
      if (killed.length === 0) await sleep(10)
    }
    t.equal(killed.length, 1, `round ${i}: the idle pooled session was terminated`)
    const next = await nextRound(svc, since > connectivityTime(body) ? since : connectivityTime(body), token)
    t.equal(next.res.status, 200, `round ${i}: the next round passes`)
    t.ok(svc.running(), `round ${i}: serve still runs`)
  }
  t.notMatch(svc.stderr(), /unhandled|uncaught|^\s+at /m, 'no crash trace on stderr')
})

t.test('terminated during a round: that round fails truthfully, the next passes', async (t) => {
  const token = `ht-term-mid-${process.pid}`
  const proxy = await startTcpProxy({ host: pg.host, port: pg.port })
  t.teardown(() => proxy.close())
  const svc = await spawnService(t, { DATABASE_URL: proxy.url(pg.url()), HEALTH_TOKEN: token, CHECK_INTERVAL_MS: '200', CHECK_TIMEOUT_MS: '6000' })
  await svc.waitFor('/health', (r) => r.status === 200, 10_000, auth(token))

  for (let i = 0; i < 2; i++) {
    // A slow link stretches each statement of the round so we can catch it inside its transaction.
    proxy.set({ delayMs: 250 })
    let killed: Array<Record<string, unknown>> = []
    const until = Date.now() + 10_000
    while (killed.length === 0 && Date.now() < until) {
      killed = await pg.query(TERMINATE, [['idle in transaction', 'active']])
      if (killed.length === 0) await sleep(5)
    }
    t.equal(killed.length, 1, `try ${i}: a session inside a round was terminated`)
    const failed = await svc.waitFor('/health', (r) => r.status === 503, 10_000, auth(token))
    // Usually the kill lands in the first check; when the slow link began mid-round, in a later one.
    const outputs = Object.values(JSON.parse(failed.body).checks as Record<string, Array<{ status: string, output?: string }>>)
      .flat().filter((c) => c.status === 'fail').map((c) => c.output)
    t.match(outputs[0], /terminat|57P01|closed/i, `try ${i}: the interrupted round says what happened`)
    proxy.set('pass')
    const next = await nextRound(svc, connectivityTime(failed.body), token)
    t.equal(next.res.status, 200, `try ${i}: the next round passes`)
    t.ok(svc.running(), `try ${i}: serve still runs`)
  }
  t.notMatch(svc.stderr(), /unhandled|uncaught|^\s+at /m, 'no crash trace on stderr')
})
