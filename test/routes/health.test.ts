import t from 'tap'
import { startPostgres } from '../helpers/postgres.js'
import { startTestService } from '../helpers/service.js'

const pg = await startPostgres()
t.teardown(() => pg.destroy())

const ROUTES = ['/health/live', '/livez', '/health/ready', '/readyz', '/health', '/health/schema', '/metrics']

t.test('/health passes with details when no token is set', async (t) => {
  const svc = await startTestService(t, { DATABASE_URL: pg.url(), RELEASE_ID: 'rel-42' })
  const { res, body } = await svc.waitFor('/health', (r) => r.status === 200)
  t.equal(res.headers.get('content-type'), 'application/health+json; charset=utf-8')
  t.equal(res.headers.get('cache-control'), 'no-store')
  const json = JSON.parse(body)
  t.equal(json.status, 'pass')
  t.equal(json.version, '0.1.0')
  t.equal(json.releaseId, 'rel-42')
  const conn = json.checks['postgres:connectivity'][0]
  t.equal(conn.status, 'pass')
  t.equal(conn.componentType, 'datastore')
  t.equal(conn.observedUnit, 'ms')
  t.type(conn.observedValue, 'number')
  t.ok(Date.parse(conn.time) > 0, 'time is ISO 8601')
  t.notOk('output' in json, 'no output when passing')
  t.match(svc.logs(), /HEALTH_TOKEN is not set/, 'warns once that details are public')
})

t.test('every route answers GET and HEAD alike, ignores query strings, sends no-store', async (t) => {
  const svc = await startTestService(t, { DATABASE_URL: pg.url() })
  await svc.waitFor('/health/ready', (r) => r.status === 200)
  for (const path of ROUTES) {
    const get = await svc.get(path + '?x=1&y=%2F..')
    const head = await svc.get(path, { method: 'HEAD' })
    t.equal(get.status, 200, `GET ${path}`)
    t.equal(head.status, get.status, `HEAD ${path} has GET's status`)
    t.equal(await head.text(), '', `HEAD ${path} has no body`)
    t.equal(head.headers.get('cache-control'), 'no-store', `HEAD ${path} no-store`)
    t.equal(get.headers.get('cache-control'), 'no-store', `GET ${path} no-store`)
    await get.arrayBuffer()
  }
})

t.test('unknown paths are 404 JSON; other methods are 405', async (t) => {
  const svc = await startTestService(t, { DATABASE_URL: pg.url() })
  const nf = await svc.get('/nope')
  t.equal(nf.status, 404)
  t.same(await nf.json(), { error: 'not_found', message: 'no such endpoint' })
  for (const path of ROUTES) {
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH']) {
      const res = await svc.get(path, { method })
      t.equal(res.status, 405, `${method} ${path}`)
      t.equal(res.headers.get('allow'), 'GET, HEAD')
      await res.arrayBuffer()
    }
  }
})

t.test('HEALTH_TOKEN hides details unless the bearer token is right', async (t) => {
  const token = 'health-token-0123456789'
  const svc = await startTestService(t, { DATABASE_URL: pg.url(), HEALTH_TOKEN: token, RELEASE_ID: 'r9' })
  await svc.waitFor('/health/ready', (r) => r.status === 200)
  for (const path of ['/health', '/health/schema']) {
    for (const auth of [undefined, 'Bearer wrong', `Basic ${token}`, `Bearer ${token}x`, token]) {
      const res = await svc.get(path, auth === undefined ? {} : { headers: { authorization: auth } })
      t.equal(res.status, 200)
      t.same(await res.json(), { status: 'pass', version: '0.1.0', releaseId: 'r9' }, `${path} with ${auth ?? 'no header'}: no details`)
    }
    for (const auth of [`Bearer ${token}`, `bearer ${token}`, `BEARER  ${token}`]) {
      const json = await (await svc.get(path, { headers: { authorization: auth } })).json()
      t.ok(json.checks?.['postgres:connectivity'], `${path} with ${auth.split(' ')[0]}: details`)
    }
  }
  t.notMatch(svc.logs(), /HEALTH_TOKEN is not set/)
  t.notMatch(svc.logs(), new RegExp(token), 'the token is never logged')
})

t.test('METRICS_TOKEN: 401 with WWW-Authenticate without the right token', async (t) => {
  const token = 'metrics-token-abcdef'
  const svc = await startTestService(t, { DATABASE_URL: pg.url(), METRICS_TOKEN: token })
  for (const auth of [undefined, 'Bearer nope', `Token ${token}`]) {
    const res = await svc.get('/metrics', auth === undefined ? {} : { headers: { authorization: auth } })
    t.equal(res.status, 401)
    t.match(res.headers.get('www-authenticate') ?? '', /^Bearer/)
    t.notMatch(await res.text(), /schema_sentinel_/)
  }
  const head = await svc.get('/metrics', { method: 'HEAD' })
  t.equal(head.status, 401, 'HEAD is guarded too')
  const { body } = await svc.waitFor('/metrics', (r, b) => r.status === 200 && /^schema_sentinel_up 1$/m.test(b), 10_000,
    { headers: { authorization: `bearer ${token}` } })
  t.match(body, /schema_sentinel_check_status\{check="postgres:connectivity",status="pass"\} 1/)
  t.match(body, /schema_sentinel_build_info\{version="0.1.0"\} 1/)
  t.match(body, /schema_sentinel_process_resident_memory_bytes/, 'default process metrics under our prefix')
  t.notMatch(body, /_active_handles_total/, 'gauges named _total are left out')
})

t.test('database stopped: /health fails, liveness stays, metrics say so; restarted: passes again', async (t) => {
  const own = await startPostgres()
  t.teardown(() => own.destroy())
  const svc = await startTestService(t, { DATABASE_URL: own.url(), CHECK_INTERVAL_MS: '100', CHECK_TIMEOUT_MS: '500' })
  await svc.waitFor('/health', (r) => r.status === 200)
  await own.stop()
  const { body } = await svc.waitFor('/health', (r) => r.status === 503)
  const json = JSON.parse(body)
  t.equal(json.status, 'fail')
  t.match(json.output, /connection refused|terminat|shut|closed|reset/i, 'output says what went wrong')
  t.notMatch(body, new RegExp(own.password))
  t.equal(json.checks['alembic:revision'][0].output, 'skipped: database unreachable')
  t.equal(json.checks['schema:drift'][0].output, 'skipped: database unreachable')
  t.equal((await svc.get('/health/live')).status, 200, 'liveness never depends on the database')
  t.equal((await svc.get('/health/ready')).status, 200, 'readiness reads the cache')
  const metrics = await (await svc.get('/metrics')).text()
  t.match(metrics, /^schema_sentinel_up 0$/m)
  t.match(metrics, /schema_sentinel_check_status\{check="postgres:connectivity",status="fail"\} 1/)
  t.match(metrics, /schema_sentinel_check_errors_total\{check="postgres:connectivity"\} [1-9]/)
  await own.start()
  await svc.waitFor('/health', (r) => r.status === 200)
  t.match(await (await svc.get('/metrics')).text(), /^schema_sentinel_up 1$/m)
})
