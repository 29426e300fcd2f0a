import t from 'tap'
import { startPostgres } from '../helpers/postgres.js'
import { startTestService } from '../helpers/service.js'

const pg = await startPostgres()
t.teardown(() => pg.destroy())

t.test('/health passes with details when no token is set', async (t) => {
  const svc = await startTestService(t, { DATABASE_URL: pg.url() })
  const { res, body } = await svc.waitFor('/health', (r) => r.status === 200)
  t.equal(res.headers.get('content-type'), 'application/health+json; charset=utf-8')
  t.equal(res.headers.get('cache-control'), 'no-store')
  const json = JSON.parse(body)
  t.equal(json.status, 'pass')
  t.equal(json.checks['postgres:connectivity'][0].status, 'pass')
  t.equal(json.checks['postgres:connectivity'][0].observedUnit, 'ms')
  t.notOk('output' in json, 'no output when passing')
})
