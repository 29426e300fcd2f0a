import t from 'tap'
import { runCli, spawnCli } from '../helpers/cli.js'
import { freePort, startPostgres } from '../helpers/postgres.js'
import { startTestService } from '../helpers/service.js'

const pg = await startPostgres()
t.teardown(() => pg.destroy())

t.test('check passes with exit 0 and a text summary', async (t) => {
  const r = await runCli(['check', '--database-url', pg.url()])
  t.equal(r.code, 0)
  t.match(r.stdout, /^schema-sentinel 0\.1\.0: PASS$/m)
  t.match(r.stdout, /pass\s+postgres:connectivity\s+[\d.]+ ms/)
  t.equal(r.stderr, '')
})

t.test('check --format json prints the /health/schema body with details', async (t) => {
  const r = await runCli(['check', '--format', 'json'], { DATABASE_URL: pg.url(), RELEASE_ID: 'r1', HEALTH_TOKEN: 'x-token' })
  t.equal(r.code, 0)
  const cli = JSON.parse(r.stdout)
  const svc = await startTestService(t, { DATABASE_URL: pg.url(), RELEASE_ID: 'r1' })
  const { body } = await svc.waitFor('/health/schema', (res) => res.status === 200)
  const http = JSON.parse(body)
  const shape = (b: { checks: Record<string, Array<Record<string, unknown>>>, expectation?: Record<string, unknown> }) => ({
    ...b,
    expectation: b.expectation === undefined ? undefined : { ...b.expectation, since: typeof b.expectation.since },
    checks: Object.fromEntries(Object.entries(b.checks).map(([k, [v]]) => [k, Object.keys(v!).sort()]))
  })
  t.same(shape(cli), shape(http), 'same keys, checks and statuses as the HTTP body')
  t.equal(cli.status, 'pass')
  t.equal(cli.releaseId, 'r1')
})

t.test('an unreachable database exits 2 with one line and no password', async (t) => {
  const port = await freePort()
  const url = `postgres://postgres:${pg.password}@127.0.0.1:${port}/postgres`
  for (const format of ['text', 'json']) {
    const r = await spawnCli(['check', '--format', format], { DATABASE_URL: url, CHECK_TIMEOUT_MS: '1000' })
    t.equal(r.code, 2, `exit 2 (${format})`)
    t.equal(r.stderr.trim().split('\n').length, 1, 'one line on stderr')
    t.match(r.stderr, /^schema-sentinel: cannot reach the database: connection refused \(ECONNREFUSED\)$/m)
    t.notMatch(r.stdout + r.stderr, new RegExp(pg.password), 'no password anywhere')
    t.notMatch(r.stderr, /\n\s+at /, 'no stack trace')
  }
})

t.test('a wrong password exits 2 naming the problem, not the password', async (t) => {
  const url = `postgres://postgres:wrong-${pg.password}@127.0.0.1:${pg.port}/postgres`
  const r = await runCli(['check'], { DATABASE_URL: url })
  t.equal(r.code, 2)
  t.match(r.stderr, /password authentication failed.*SQLSTATE 28P01/)
  t.notMatch(r.stdout + r.stderr, new RegExp(pg.password))
})

t.test('bad configuration and bad flags exit 2 with one line', async (t) => {
  const cases: Array<[string[], Record<string, string>, RegExp]> = [
    [['check'], {}, /^schema-sentinel: DATABASE_URL: is required/],
    [['check'], { DATABASE_URL: pg.url(), CHECK_TIMEOUT_MS: 'soon' }, /^schema-sentinel: CHECK_TIMEOUT_MS: must be integer, got "soon"$/m],
    [['check', '--format', 'xml'], { DATABASE_URL: pg.url() }, /^schema-sentinel: option '--format <format>' argument 'xml' is invalid/],
    [['check', '--bogus'], { DATABASE_URL: pg.url() }, /^schema-sentinel: unknown option '--bogus'/],
    [['frobnicate'], {}, /^schema-sentinel: unknown command 'frobnicate'/],
    [['serve'], { DATABASE_URL: 'postgres://u:hunter2-secret@db/app', PORT: 'abc' }, /^schema-sentinel: PORT: must be integer, got "abc"$/m]
  ]
  for (const [args, env, message] of cases) {
    const r = await runCli(args, env)
    t.equal(r.code, 2, `${args.join(' ')}: exit 2`)
    t.match(r.stderr, message)
    t.equal(r.stderr.trim().split('\n').length, 1, 'one line')
    t.notMatch(r.stderr, /hunter2-secret|\n\s+at /)
  }
})

t.test('--help and --version exit 0', async (t) => {
  const help = await runCli(['--help'])
  t.equal(help.code, 0)
  t.match(help.stdout, /serve[\s\S]*check[\s\S]*snapshot[\s\S]*heads/, 'the four commands of the contract')
  for (const [command, flags] of [['check', ['--format', '--database-url', '--expected', '--versions-dir', '--expected-revision', '--schemas']], ['snapshot', ['--format', '--database-url', '--schemas']], ['heads', ['--versions-dir']]] as const) {
    const sub = await runCli([command, '--help'])
    t.equal(sub.code, 0)
    for (const flag of flags) t.match(sub.stdout, flag, `${command} has ${flag}`)
  }
  const snapshot = await runCli(['snapshot', '--help'])
  for (const ignored of ['--expected ', '--versions-dir', '--expected-revision']) t.notMatch(snapshot.stdout, ignored, `snapshot does not offer ${ignored.trim()}, which it would ignore`)
  const version = await runCli(['--version'])
  t.equal(version.code, 0)
  t.equal(version.stdout.trim(), '0.1.0')
  const helpCommand = await runCli(['help'])
  t.equal(helpCommand.code, 0, '`help` exits 0')
  t.match(helpCommand.stdout, /^Usage: schema-sentinel/)
})

t.test('no command: the help on stderr, exit 2', async (t) => {
  for (const r of [await runCli([]), await spawnCli([])]) {
    t.equal(r.code, 2)
    t.equal(r.stdout, '')
    t.match(r.stderr, /^Usage: schema-sentinel [\s\S]*serve[\s\S]*check[\s\S]*snapshot[\s\S]*heads/)
  }
})

t.test('--schemas naming a schema the database does not have: one warning line, same exit code', async (t) => {
  const warning = /^schema-sentinel: warning: SCHEMAS names a schema the database does not have: nosuch$/m
  const check = await runCli(['check', '--schemas', 'public,nosuch'], { DATABASE_URL: pg.url() })
  t.equal(check.code, 0)
  t.match(check.stderr, warning)
  t.equal(check.stderr.trim().split('\n').length, 1, 'one line')
  const snapshot = await runCli(['snapshot', '--schemas', 'public,nosuch,alsonot'], { DATABASE_URL: pg.url() })
  t.equal(snapshot.code, 0)
  t.equal(snapshot.stderr, 'schema-sentinel: warning: SCHEMAS names schemas the database does not have: nosuch, alsonot\n')
  t.equal((await runCli(['check', '--schemas', 'public,pg_catalog'], { DATABASE_URL: pg.url() })).stderr, '', 'none when every schema exists')
})
