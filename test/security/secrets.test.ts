// A password and tokens unique to this test, through the faults a sidecar meets (black hole,
// restart, wrong password, lock), at debug log level: none of them ever appears in stdout,
// stderr, a response body or header, /metrics, the status page, or `check` output.
import { randomBytes } from 'node:crypto'
import pg from 'pg'
import t from 'tap'
import { spawnService, type ChildService } from '../helpers/child-service.js'
import { spawnCli } from '../helpers/cli.js'
import { startPostgres } from '../helpers/postgres.js'
import { startTcpProxy } from '../helpers/tcp-proxy.js'
import { leaks, responseText } from '../helpers/watch.js'

const db = await startPostgres()
t.teardown(() => db.destroy())

// Characters that must be percent-encoded in a URL, so redaction has to know both forms.
const password = `S3/cr:t@${randomBytes(6).toString('hex')}%&?`
const wrong = `Wr0ng/${randomBytes(6).toString('hex')}@`
const HEALTH_TOKEN = `ht-${randomBytes(12).toString('hex')}`
const METRICS_TOKEN = `mt-${randomBytes(12).toString('hex')}`
await db.query(`CREATE ROLE sentinel LOGIN PASSWORD '${password}'; GRANT pg_read_all_data TO sentinel;
  CREATE TABLE alembic_version (version_num varchar(32) PRIMARY KEY); INSERT INTO alembic_version VALUES ('r1')`)
const proxy = await startTcpProxy({ host: db.host, port: db.port })
t.teardown(() => proxy.close())
const urlWith = (pw: string) => `postgres://sentinel:${encodeURIComponent(pw)}@127.0.0.1:${proxy.port}/postgres`
const secrets = [password, wrong, HEALTH_TOKEN, METRICS_TOKEN, urlWith(password)]

const seen: string[] = []
async function collect (svc: ChildService): Promise<void> {
  const as = (token?: string) => token === undefined ? {} : { headers: { authorization: `Bearer ${token}` } }
  for (const path of ['/health', '/health/schema', '/health/ready', '/health/live', '/metrics', '/', `/?token=${HEALTH_TOKEN}`]) {
    for (const token of [undefined, HEALTH_TOKEN, METRICS_TOKEN, `${HEALTH_TOKEN}x`]) seen.push(await responseText(await svc.get(path, as(token))))
  }
}

async function status (svc: ChildService, code: number, why?: RegExp): Promise<void> {
  await svc.waitFor('/health/schema', (r, body) => r.status === code && (why === undefined || why.test(body)), 15_000,
    { headers: { authorization: `Bearer ${HEALTH_TOKEN}` } })
  await collect(svc)
}

t.test('no secret leaks through faults', async (t) => {
  const svc = await spawnService(t, {
    DATABASE_URL: urlWith(password), HEALTH_TOKEN, METRICS_TOKEN, EXPECTED_REVISION: 'r1',
    LOG_LEVEL: 'debug', CHECK_INTERVAL_MS: '200', CHECK_TIMEOUT_MS: '1000'
  })
  await status(svc, 200)

  proxy.set('blackhole')
  await status(svc, 503, /timeout/)
  proxy.set('pass')
  await status(svc, 200)

  await db.stop('fast')
  await status(svc, 503, /connection|terminat/i)
  await db.start()
  await status(svc, 200)

  // The password changes under the running service: its next connection is refused.
  await db.query(`ALTER ROLE sentinel PASSWORD '${wrong}'`)
  await db.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = 'sentinel'")
  await status(svc, 503, /28P01/)
  await db.query(`ALTER ROLE sentinel PASSWORD '${password}'`)
  await status(svc, 200)

  const lock = new pg.Client({ connectionString: db.url() })
  await lock.connect()
  await lock.query('BEGIN; LOCK alembic_version IN ACCESS EXCLUSIVE MODE')
  await status(svc, 503, /lock timeout|timeout/)
  await lock.query('ROLLBACK')
  await lock.end()
  await status(svc, 200)

  svc.child.kill('SIGTERM')
  t.equal((await svc.exited).code, 0, 'serve exits 0')
  t.match(svc.stdout(), /28P01.*check status is (now|still) fail/, 'the log holds the failures (where a leak would show)')
  t.ok(seen.length > 200, `collected ${seen.length} responses`)
  t.same(leaks(seen.join('\n'), secrets).map((s) => secrets.indexOf(s)), [], 'no secret in any response (status, headers, body)')
  t.same(leaks(svc.stdout(), secrets).map((s) => secrets.indexOf(s)), [], 'no secret on stdout')
  t.same(leaks(svc.stderr(), secrets).map((s) => secrets.indexOf(s)), [], 'no secret on stderr')
})

t.test('no secret in check output, passing or failing', async (t) => {
  const env = { HEALTH_TOKEN, METRICS_TOKEN, EXPECTED_REVISION: 'r1', CHECK_TIMEOUT_MS: '3000' }
  const runs = await Promise.all([
    spawnCli(['check', '--format', 'json'], { ...env, DATABASE_URL: urlWith(password) }),
    spawnCli(['check'], { ...env, DATABASE_URL: urlWith(wrong) }),
    spawnCli(['check', '--database-url', urlWith(wrong)], env)
  ])
  t.same(runs.map((r) => r.code), [0, 2, 2], 'pass, then a wrong password twice (env and flag)')
  t.match(runs[1]!.stderr, /28P01/, 'the failure says why')
  for (const r of runs) t.same(leaks(r.stdout + r.stderr, secrets), [], 'no secret in its output')
})
