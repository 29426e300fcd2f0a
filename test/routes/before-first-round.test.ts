// The HTTP layer alone, with no Report yet or during shutdown: no database needed for this state.
import t from 'tap'
import { createProcessMetrics } from '../../src/process-metrics.js'
import { buildApp } from '../../src/server.js'

const processMetrics = createProcessMetrics()

t.test('before the first round', async (t) => {
  let stopping = false
  const app = buildApp({ state: { latest: () => undefined, shuttingDown: () => stopping }, version: '0.1.0', processMetrics })
  t.teardown(() => app.close())
  for (const url of ['/health', '/health/schema']) {
    const res = await app.inject({ url })
    t.equal(res.statusCode, 503)
    t.same(res.json(), { status: 'fail', version: '0.1.0', output: 'no check round has finished yet' })
  }
  for (const url of ['/health/ready', '/readyz']) {
    const res = await app.inject({ url })
    t.equal(res.statusCode, 503)
    t.equal(res.json().output, 'no check round has finished yet')
  }
  t.equal((await app.inject({ url: '/livez' })).statusCode, 200)
  const metrics = await app.inject({ url: '/metrics' })
  t.equal(metrics.statusCode, 200)
  t.match(metrics.body, /^schema_sentinel_up 0$/m)
  t.notMatch(metrics.body, /schema_sentinel_last_check_timestamp_seconds \d/, 'no timestamp before a round')
  stopping = true
  const ready = await app.inject({ url: '/health/ready' })
  t.equal(ready.statusCode, 503)
  t.equal(ready.json().output, 'shutting down')
})

t.test('details hidden before the first round when a token is set', async (t) => {
  const app = buildApp({ state: { latest: () => undefined, shuttingDown: () => false }, version: '0.1.0', healthToken: 'tok-123', processMetrics })
  t.teardown(() => app.close())
  for (const url of ['/health', '/health/schema', '/health/ready', '/readyz']) {
    const res = await app.inject({ url })
    t.equal(res.statusCode, 503, url)
    t.same(res.json(), { status: 'fail', version: '0.1.0' }, `${url}: only status and version without the token`)
    const authorized = await app.inject({ url, headers: { authorization: 'Bearer tok-123' } })
    t.equal(authorized.statusCode, 503)
    t.equal(authorized.json().output, 'no check round has finished yet', `${url}: output with the token`)
  }
})
