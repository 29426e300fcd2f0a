// The running service's side of the contract: releaseId from RELEASE_ID, else
// RENDER_GIT_COMMIT, else omitted, in every health body; one warning at start when details
// are public; LOG_LEVEL is pino's level.
import t from 'tap'
import { startPostgres } from '../helpers/postgres.js'
import { startTestService } from '../helpers/service.js'

const pg = await startPostgres()
t.teardown(() => pg.destroy())

const HEALTH_PATHS = ['/health/live', '/livez', '/health/ready', '/readyz', '/health', '/health/schema']

t.test('releaseId: RELEASE_ID, else RENDER_GIT_COMMIT, else omitted', async (t) => {
  const cases: Array<[Record<string, string>, string | undefined]> = [
    [{ RELEASE_ID: 'rel-1', RENDER_GIT_COMMIT: 'abc1234' }, 'rel-1'],
    [{ RENDER_GIT_COMMIT: 'abc1234' }, 'abc1234'],
    [{ RELEASE_ID: '', RENDER_GIT_COMMIT: 'def5678' }, 'def5678'],
    [{}, undefined]
  ]
  for (const [env, releaseId] of cases) {
    const svc = await startTestService(t, { DATABASE_URL: pg.url(), CHECK_TIMEOUT_MS: '5000', ...env })
    await svc.waitFor('/health/ready', (r) => r.status === 200)
    for (const path of HEALTH_PATHS) {
      const res = await svc.get(path)
      t.equal(res.headers.get('content-type'), 'application/health+json; charset=utf-8', `${path}: health+json`)
      const body = await res.json() as Record<string, unknown>
      t.equal(body.version, '0.1.0')
      if (releaseId === undefined) t.notOk('releaseId' in body, `${path}: no releaseId without either variable`)
      else t.equal(body.releaseId, releaseId, `${path} with ${JSON.stringify(env)}`)
    }
    await svc.close()
  }
})

t.test('public details: exactly one warning at start; LOG_LEVEL filters', async (t) => {
  const info = await startTestService(t, { DATABASE_URL: pg.url(), LOG_LEVEL: 'info' })
  await info.waitFor('/health/ready', (r) => r.status === 200)
  const lines = info.logs().split('\n').filter(Boolean).map((l) => JSON.parse(l) as { level: number, msg: string })
  const warnings = lines.filter((l) => /HEALTH_TOKEN is not set/.test(l.msg))
  t.equal(warnings.length, 1, 'one warning')
  t.equal(warnings[0]?.level, 40, 'at warn level')
  t.ok(lines.some((l) => l.level === 30 && /is listening/.test(l.msg)), 'info lines at info level')

  const quiet = await startTestService(t, { DATABASE_URL: pg.url(), LOG_LEVEL: 'warn' })
  await quiet.waitFor('/health/ready', (r) => r.status === 200)
  const quietLines = quiet.logs().split('\n').filter(Boolean).map((l) => JSON.parse(l) as { level: number })
  t.ok(quietLines.length >= 1, 'the warning is still logged')
  t.same(quietLines.filter((l) => l.level < 40), [], 'nothing below warn with LOG_LEVEL=warn')
})
