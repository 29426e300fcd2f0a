// Methods and paths, HTTP layer alone (app.inject with built Reports): every route answers
// GET and HEAD alike, any other method is 405 with Allow (before a body is read), unknown
// paths are 404 JSON, and every answer carries Cache-Control: no-store.
import { METHODS } from 'node:http'
import t from 'tap'
import { createProcessMetrics } from '../../src/process-metrics.js'
import type { Report } from '../../src/report.js'
import { buildApp } from '../../src/server.js'
import { alembicBehind, connectivityPass, driftClean, driftMissing, report } from '../render/reports.js'

const processMetrics = createProcessMetrics()
const ROUTES = ['/health/live', '/livez', '/health/ready', '/readyz', '/health', '/health/schema', '/metrics']

function app (latest: Report | undefined, extra: { healthToken?: string, metricsToken?: string } = {}) {
  return buildApp({ state: { latest: () => latest, shuttingDown: () => false }, version: '0.1.0', processMetrics, ...extra })
}

t.test('every other method on every known path is 405 with Allow, whatever the body', async (t) => {
  const a = app(report([connectivityPass, driftClean]))
  t.teardown(() => a.close())
  const others = METHODS.filter((m) => m !== 'GET' && m !== 'HEAD')
  for (const [path, allow] of [...ROUTES.map((r) => [r, 'GET, HEAD'] as const), ['/', 'GET, HEAD, POST'] as const]) {
    for (const method of others) {
      if (path === '/' && method === 'POST') continue
      const res = await a.inject({ method: method as 'PUT', url: `${path}?q=1` })
      t.equal(res.statusCode, 405, `${method} ${path}`)
      t.equal(res.headers.allow, allow, `${method} ${path}: Allow`)
      t.equal(res.headers['cache-control'], 'no-store', `${method} ${path}: no-store`)
      t.equal(res.json().error, 'method_not_allowed')
    }
    // A body the route could never parse is still a 405, not 400/413/415.
    for (const [type, payload] of [['application/xml', '<a/>'], ['application/json', '{broken'], ['text/plain', 'x'.repeat(2_000_000)]]) {
      const res = await a.inject({ method: 'PUT', url: path, headers: { 'content-type': type! }, payload })
      t.equal(res.statusCode, 405, `PUT ${path} with ${type}`)
    }
  }
})

t.test('GET and HEAD give the same status on every route, in every state', async (t) => {
  const states: Array<[string, Report | undefined, { healthToken?: string, metricsToken?: string }]> = [
    ['before the first round', undefined, {}],
    ['passing', report([connectivityPass, driftClean]), {}],
    ['warn (revision behind)', report([connectivityPass, alembicBehind, driftClean]), {}],
    ['failing', report([connectivityPass, driftMissing]), {}],
    ['tokens set, none sent', report([connectivityPass, driftMissing]), { healthToken: 'ht-1234', metricsToken: 'mt-1234' }]
  ]
  for (const [label, latest, tokens] of states) {
    const a = app(latest, tokens)
    for (const path of [...ROUTES, '/', '/nope']) {
      const get = await a.inject({ method: 'GET', url: path })
      const head = await a.inject({ method: 'HEAD', url: `${path}?x=%2F..` })
      t.equal(head.statusCode, get.statusCode, `${label}: HEAD ${path} = GET (${get.statusCode})`)
      t.equal(head.body, '', `${label}: HEAD ${path} has no body`)
      t.equal(get.headers['cache-control'], 'no-store', `${label}: GET ${path} no-store`)
      t.equal(head.headers['cache-control'], 'no-store', `${label}: HEAD ${path} no-store`)
    }
    await a.close()
  }
})

t.test('the status codes of the endpoint table', async (t) => {
  const cases: Array<[string, Report | undefined, Record<string, number>]> = [
    ['no round yet', undefined, { '/health/live': 200, '/health/ready': 503, '/health': 503, '/health/schema': 503, '/metrics': 200 }],
    ['pass', report([connectivityPass, driftClean]), { '/health/live': 200, '/health/ready': 200, '/health': 200, '/health/schema': 200, '/metrics': 200 }],
    ['revision mismatch (warn)', report([connectivityPass, alembicBehind, driftClean]), { '/health/live': 200, '/health/ready': 200, '/health': 200, '/health/schema': 503, '/metrics': 200 }],
    ['fail', report([connectivityPass, driftMissing]), { '/health/live': 200, '/health/ready': 200, '/health': 503, '/health/schema': 503, '/metrics': 200 }],
    ['database down', report([{ ...connectivityPass, status: 'fail', strictStatus: 'fail', output: 'connection refused (ECONNREFUSED)', errored: true }], { up: false }),
      { '/health/live': 200, '/livez': 200, '/health/ready': 200, '/readyz': 200, '/health': 503, '/health/schema': 503, '/metrics': 200 }]
  ]
  for (const [label, latest, codes] of cases) {
    const a = app(latest)
    for (const [path, code] of Object.entries(codes)) {
      const res = await a.inject({ url: path })
      t.equal(res.statusCode, code, `${label}: ${path}`)
      if (path !== '/metrics') t.equal(res.headers['content-type'], 'application/health+json; charset=utf-8', `${label}: ${path} is health+json`)
    }
    await a.close()
  }
})

t.test('unknown paths: 404 with a small JSON body, for any method', async (t) => {
  const a = app(report([connectivityPass]))
  t.teardown(() => a.close())
  for (const [method, url] of [['GET', '/nope'], ['POST', '/health/nope'], ['DELETE', '/metrics/x'], ['GET', '/health/'], ['GET', '/HEALTH'], ['PROPFIND', '/x']] as const) {
    const res = await a.inject({ method: method as 'GET', url })
    t.equal(res.statusCode, 404, `${method} ${url}`)
    t.match(res.headers['content-type'], /^application\/json/)
    t.same(res.json(), { error: 'not_found', message: 'no such endpoint' })
    t.ok(res.body.length < 100, 'small')
  }
})

t.test('a route anyone adds with plain app.get gets the same rules: 405 with Allow, no-store', async (t) => {
  const a = app(report([connectivityPass]))
  t.teardown(() => a.close())
  await a.after() // the HTTP layer is loaded: its onRoute hook sees every route added from here
  a.get('/extra', async () => ({ ok: true }))
  a.post('/extra/form', async () => ({ ok: true }))
  const get = await a.inject({ url: '/extra' })
  t.equal(get.statusCode, 200)
  t.equal(get.headers['cache-control'], 'no-store')
  for (const [url, allow] of [['/extra', 'GET, HEAD'], ['/extra/form', 'POST']] as const) {
    const res = await a.inject({ method: 'PUT', url, headers: { 'content-type': 'application/json' }, payload: '{broken' })
    t.equal(res.statusCode, 405, `PUT ${url}`)
    t.equal(res.headers.allow, allow, `PUT ${url}: Allow`)
    t.equal(res.headers['cache-control'], 'no-store')
  }
})
