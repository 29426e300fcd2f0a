// GET / for people: token rules over HTTP, then the page in headless Chromium (with and
// without JavaScript) showing a planted missing column. Screenshot: test-artifacts/status-page.png.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import { CHROMIUM, launchChromium } from '../helpers/browser.js'
import { startPostgres } from '../helpers/postgres.js'
import { startTestService } from '../helpers/service.js'
import { missingTool } from '../helpers/system-tool.js'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
const ARTIFACTS = join(ROOT, 'test-artifacts')
const TOKEN = 'status-page-token-9f3a'

const pg = await startPostgres()
t.teardown(() => pg.destroy())

t.test('token rules over HTTP', async (t) => {
  // A generous deadline: on a busy machine a timed-out round would turn the page FAIL.
  const svc = await startTestService(t, { DATABASE_URL: pg.url(), HEALTH_TOKEN: TOKEN, CHECK_TIMEOUT_MS: '5000' })
  await svc.waitFor('/health', (r) => r.status === 200)

  const anonymous = await svc.get('/')
  const anonymousBody = await anonymous.text()
  t.equal(anonymous.status, 200)
  t.equal(anonymous.headers.get('content-type'), 'text/html; charset=utf-8')
  t.equal(anonymous.headers.get('cache-control'), 'no-store')
  t.match(anonymous.headers.get('content-security-policy'), "default-src 'none'")
  t.equal(anonymous.headers.get('referrer-policy'), 'no-referrer')
  t.match(anonymousBody, '<title>schema-sentinel: PASS</title>')
  t.match(anonymousBody, '<form method="post" action="/">')
  t.notMatch(anonymousBody, 'postgres:connectivity', 'no details without the token')

  const head = await svc.get('/', { method: 'HEAD' })
  t.equal(head.status, 200)
  t.equal(head.headers.get('content-type'), 'text/html; charset=utf-8')

  const bearer = await (await svc.get('/', { headers: { authorization: `Bearer ${TOKEN}` } })).text()
  t.match(bearer, 'data-check="postgres:connectivity"', 'details with the token as a bearer header')
  t.notMatch(bearer, TOKEN, 'the token is never echoed')

  // ?token= starts a session and sends the browser to / without the token (no refresh repeats it).
  const viaQuery = await svc.get(`/?token=${TOKEN}`, { redirect: 'manual' })
  t.equal(viaQuery.status, 303)
  t.equal(viaQuery.headers.get('location'), '/')
  const queryCookie = (viaQuery.headers.get('set-cookie') ?? '').split(';')[0]!
  t.match(queryCookie, /^sentinel_status=/)
  const afterQuery = await (await svc.get('/', { headers: { cookie: queryCookie } })).text()
  t.match(afterQuery, 'data-check="postgres:connectivity"', 'details at / with the session')
  t.match(afterQuery, '<meta http-equiv="refresh" content="30">', 'the refresh reloads /, which carries no token')

  const wrong = await (await svc.get('/?token=not-the-token')).text()
  t.match(wrong, 'That token was not accepted.')
  t.notMatch(wrong, 'postgres:connectivity')
  t.notMatch(wrong, 'not-the-token', 'a wrong token is not echoed either')

  const form = (token: string) => svc.get('/', {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token }).toString()
  })
  const rejected = await form('nope')
  t.match(await rejected.text(), 'That token was not accepted.')
  t.equal(rejected.headers.get('set-cookie'), null)

  const accepted = await form(TOKEN)
  t.equal(accepted.status, 303)
  t.equal(accepted.headers.get('location'), '/')
  const cookie = accepted.headers.get('set-cookie') ?? ''
  t.match(cookie, /^sentinel_status=\d+\.[\w-]{24}\.[\w-]{43}; Path=\/; Max-Age=43200; HttpOnly; SameSite=Lax$/)
  t.notMatch(cookie, TOKEN, 'the cookie holds a session, not the token')
  const again = (await form(TOKEN)).headers.get('set-cookie') ?? ''
  t.not(again.split(';')[0], cookie.split(';')[0], 'each login is a new random session, not a fixed function of the token')
  const withCookie = await (await svc.get('/', { headers: { cookie: cookie.split(';')[0]! } })).text()
  t.match(withCookie, 'data-check="postgres:connectivity"', 'the cookie unlocks details')
  for (const value of ['0'.repeat(64), cookie.split(';')[0]!.split('=')[1]!.replace(/^\d+/, '99999999999'), `${Math.floor(Date.now() / 1000) + 60}.${'A'.repeat(24)}.${'B'.repeat(43)}`]) {
    const forged = await (await svc.get('/', { headers: { cookie: `sentinel_status=${value}` } })).text()
    t.notMatch(forged, 'postgres:connectivity', `a forged or altered session is refused (${value.slice(0, 16)}…)`)
    t.match(forged, 'Details need the health token')
  }

  const cookieAsBearer = await svc.get('/health', { headers: { authorization: `Bearer ${cookie.split(';')[0]!.split('=')[1]}` } })
  t.notOk('checks' in (await cookieAsBearer.json()), 'the cookie value is no health token')

  t.equal((await svc.get('/', { method: 'DELETE' })).status, 405)
  t.notMatch(svc.logs(), TOKEN)
})

t.test('in Chromium: a planted missing column, with and without JavaScript', { skip: missingTool(CHROMIUM, 'chromium') }, async (t) => {
  const url = await pg.createDatabase()
  await pg.query('CREATE TABLE pdfs (id integer PRIMARY KEY, file_id varchar(36))', [], new URL(url).pathname.slice(1))
  const dir = mkdtempSync(join(tmpdir(), 'sentinel-page-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const manifest = join(dir, 'expected.yaml')
  writeFileSync(manifest, [
    'version: 1',
    'tables:',
    '  pdfs:',
    '    columns:',
    '      id: { type: integer, nullable: false }',
    '      file_id: varchar',
    '      processing_started_at: { type: timestamp, nullable: true }',
    ''
  ].join('\n'))
  const svc = await startTestService(t, { DATABASE_URL: url, EXPECTED_SCHEMA: manifest, HEALTH_TOKEN: TOKEN, CHECK_TIMEOUT_MS: '5000' })
  await svc.waitFor('/health', (_r, b) => b.includes('processing_started_at'), 10_000, { headers: { authorization: `Bearer ${TOKEN}` } })
  const browser = await launchChromium(t)

  const page = await (await browser.newContext()).newPage()
  const res = await page.goto(`${svc.url}/?token=${TOKEN}`)
  t.equal(res?.status(), 503, 'a missing column fails the page like /health')
  t.equal(page.url(), `${svc.url}/`, 'the token is gone from the address bar')
  t.equal(await page.title(), 'schema-sentinel: FAIL')
  const drift = page.locator('#drift')
  t.ok(await drift.locator('h3', { hasText: 'public.pdfs' }).isVisible(), 'the table heading is visible')
  t.ok(await drift.getByText('processing_started_at', { exact: true }).isVisible(), 'the missing column is visible')
  t.match(await page.locator('#summary').innerText(), 'public.pdfs.processing_started_at is expected but missing')
  mkdirSync(ARTIFACTS, { recursive: true })
  await page.screenshot({ path: join(ARTIFACTS, 'status-page.png'), fullPage: true })

  // No JavaScript: the form sets the cookie, the redirect shows the details.
  const noJs = await (await browser.newContext({ javaScriptEnabled: false })).newPage()
  await noJs.goto(svc.url + '/')
  t.equal(await noJs.locator('#drift').count(), 0, 'no details before the token')
  t.ok(await noJs.getByText('Details need the health token').isVisible())
  await noJs.fill('#token-input', TOKEN)
  await Promise.all([noJs.waitForURL(svc.url + '/'), noJs.click('button[type=submit]')])
  t.ok(await noJs.locator('#drift').getByText('processing_started_at', { exact: true }).isVisible(), 'details after the form, without JavaScript')
  t.equal(await noJs.locator('tr[data-check="schema:drift"] .status').innerText(), 'FAIL')
})
