// PostgreSQL stops and starts again under a running `serve` child process: /health fails
// within one interval plus one timeout, passes again by itself, the process never dies,
// and the service never holds more than 2 sessions.
import t from 'tap'
import { spawnService } from '../helpers/child-service.js'
import { startPostgres } from '../helpers/postgres.js'
import { leaks, responseText, sampleConnections } from '../helpers/watch.js'

const pg = await startPostgres()
t.teardown(() => pg.destroy())

const HEALTH_TOKEN = `ht-restart-${process.pid}-${Date.now()}`
const auth = { headers: { authorization: `Bearer ${HEALTH_TOKEN}` } }

t.test('stop and start PostgreSQL (fast, then immediate)', async (t) => {
  const sampler = sampleConnections(pg.url())
  t.teardown(() => sampler.stop())
  const svc = await spawnService(t, { DATABASE_URL: pg.url(), HEALTH_TOKEN, CHECK_INTERVAL_MS: '100', CHECK_TIMEOUT_MS: '1000' })
  const bodies: string[] = []

  await svc.waitFor('/health', (r) => r.status === 200, 15_000, auth)
  for (const mode of ['fast', 'immediate'] as const) {
    await pg.stop(mode)
    // The stop can land mid-round, after connectivity passed: that round fails in a later check.
    // Wait for the first round that began with the server down.
    const connectivityFails = (body: string): boolean => JSON.parse(body).checks['postgres:connectivity'][0].status === 'fail'
    const down = await svc.waitFor('/health', (r, b) => r.status === 503 && connectivityFails(b), 5_000, auth)
    const body = JSON.parse(down.body)
    t.equal(body.status, 'fail', `${mode} stop: /health fails`)
    t.match(body.checks['postgres:connectivity'][0].output, /refused|reset|terminat|shut|closed|ECONN|57P0/i, `${mode} stop: output says why`)
    t.equal(body.checks['schema:drift'][0].output, 'skipped: database unreachable')
    bodies.push(down.body)
    t.ok(svc.running(), `${mode} stop: serve still runs`)

    // While down, every answer comes from the cached Report.
    for (const path of ['/health/live', '/health/ready', '/metrics']) {
      const res = await svc.get(path)
      t.equal(res.status, 200, `${path} answers 200 while the database is down`)
      const text = await responseText(res)
      if (path === '/metrics') t.match(text, /^schema_sentinel_up 0$/m, `${mode} stop: /metrics says up 0`)
      bodies.push(text)
    }

    await pg.start()
    const up = await svc.waitFor('/health', (r) => r.status === 200, 5_000, auth)
    t.equal(JSON.parse(up.body).status, 'pass', `${mode} stop: /health passes again after start`)
  }

  t.ok(svc.running(), 'serve never exited')
  t.ok(sampler.samples() > 10, `connections were sampled (${sampler.samples()} samples)`)
  t.ok(sampler.max() <= 2, `never more than 2 sessions (max seen ${sampler.max()})`)
  t.ok(sampler.max() >= 1, 'the sampler did see the service')
  const seen = [svc.stdout(), svc.stderr(), ...bodies].join('\n')
  t.same(leaks(seen, [pg.password, HEALTH_TOKEN]), [], 'no password or token in output or bodies')
  t.notMatch(svc.stderr(), /unhandled|uncaught|^\s+at /m, 'no crash trace on stderr')
})
