// Bad configuration, for `serve` and `check` as real child processes: one clear line on
// stderr naming the variable or file, exit 2, no password, no stack trace. A database that
// cannot be reached is not bad configuration for `serve`: it keeps running and reports fail.
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import { spawnService } from '../helpers/child-service.js'
import { runCli, spawnCli, type CliResult } from '../helpers/cli.js'
import { freePort, startPostgres } from '../helpers/postgres.js'
import { leaks } from '../helpers/watch.js'

const pg = await startPostgres()
t.teardown(() => pg.destroy())
const dead = await freePort()
const wrongPassword = `wrong-${process.pid}-${Date.now().toString(36)}`

const dir = mkdtempSync(join(tmpdir(), 'sentinel-badcfg-'))
t.teardown(() => rmSync(dir, { recursive: true, force: true }))
const file = (name: string, text: string): string => { const p = join(dir, name); writeFileSync(p, text); return p }
const malformedYaml = file('malformed.yaml', 'version: 1\ntables:\n  pdfs:\n    columns: [\n')
const wrongShape = file('wrong-shape.json', '{"version": 1, "tables": {"pdfs": {"columns": {"id": {"type": 5}}}}}')
const unreadable = file('unreadable.yaml', 'version: 1\ntables: {}\n')
chmodSync(unreadable, 0o000) // root reads it anyway; the directory case below is unreadable for everyone
const versions = join(dir, 'versions')
mkdirSync(versions)
file('versions/a1.py', 'revision = "a1"\ndown_revision = "zz_missing"\n')
const garbled = join(dir, 'garbled')
mkdirSync(garbled)
file('garbled/b1.py', 'revision = \ndown_revision = (\n')

const url = pg.url()
const TLS_URL = `${url}?sslmode=require`

interface Case { readonly env: Record<string, string | undefined>, readonly names: RegExp }
const CASES: Record<string, Case> = {
  'PORT=abc': { env: { PORT: 'abc' }, names: /^PORT: .*"abc"/ },
  'PORT=-1': { env: { PORT: '-1' }, names: /^PORT: / },
  'PORT=70000': { env: { PORT: '70000' }, names: /^PORT: / },
  'CHECK_TIMEOUT_MS=-1': { env: { CHECK_TIMEOUT_MS: '-1' }, names: /^CHECK_TIMEOUT_MS: / },
  'CHECK_TIMEOUT_MS=0': { env: { CHECK_TIMEOUT_MS: '0' }, names: /^CHECK_TIMEOUT_MS: / },
  'CHECK_TIMEOUT_MS=abc': { env: { CHECK_TIMEOUT_MS: 'abc' }, names: /^CHECK_TIMEOUT_MS: / },
  'CHECK_INTERVAL_MS=x': { env: { CHECK_INTERVAL_MS: 'x' }, names: /^CHECK_INTERVAL_MS: / },
  'DATABASE_URL not a URL': { env: { DATABASE_URL: `not a url ${pg.password}` }, names: /^DATABASE_URL: is not a URL/ },
  'DATABASE_URL wrong scheme': { env: { DATABASE_URL: url.replace(/^postgres/, 'mysql') }, names: /^DATABASE_URL: .*scheme/ },
  'DATABASE_URL missing': { env: { DATABASE_URL: undefined }, names: /^DATABASE_URL: is required/ },
  'DATABASE_URL bad sslmode': { env: { DATABASE_URL: `${url}?sslmode=maybe` }, names: /^DATABASE_URL: .*sslmode/ },
  'SCHEMAS bad': { env: { SCHEMAS: 'public,,x y' }, names: /^SCHEMAS: / },
  'ALEMBIC_VERSION_TABLE bad': { env: { ALEMBIC_VERSION_TABLE: 'a.b.c' }, names: /^ALEMBIC_VERSION_TABLE: / },
  'EXPECTED_REVISION bad': { env: { EXPECTED_REVISION: 'a b' }, names: /^EXPECTED_REVISION: / },
  'DRIFT_SEVERITY bad': { env: { DRIFT_SEVERITY: 'type_mismatch=fatal' }, names: /^DRIFT_SEVERITY: / },
  'EXPOSED_ROLES bad': { env: { EXPOSED_ROLES: 'anon,"authenticated"' }, names: /^EXPOSED_ROLES: .*"authenticated"/ },
  'EXPOSED_SCHEMAS bad': { env: { EXPOSED_SCHEMAS: 'public,' }, names: /^EXPOSED_SCHEMAS: / },
  'LOG_LEVEL bad': { env: { LOG_LEVEL: 'loud' }, names: /^LOG_LEVEL: / },
  'DATABASE_SSL_CA missing': { env: { DATABASE_SSL_CA: join(dir, 'no-ca.pem') }, names: /^DATABASE_SSL_CA: .*no-ca\.pem/ },
  'DATABASE_SSL_CA unreadable': { env: { DATABASE_SSL_CA: dir }, names: /^DATABASE_SSL_CA: .*EISDIR/ },
  'manifest missing': { env: { EXPECTED_SCHEMA: join(dir, 'nope.yaml') }, names: /nope\.yaml/ },
  'manifest unreadable': { env: { EXPECTED_SCHEMA: dir }, names: /sentinel-badcfg-\w+: / },
  'manifest malformed': { env: { EXPECTED_SCHEMA: malformedYaml }, names: /malformed\.yaml at line \d+/ },
  'manifest wrong shape': { env: { EXPECTED_SCHEMA: wrongShape }, names: /wrong-shape\.json at tables\.pdfs\.columns\.id\.type/ },
  'versions dir missing': { env: { ALEMBIC_VERSIONS_DIR: join(dir, 'nowhere') }, names: /nowhere/ },
  'versions dir is a file': { env: { ALEMBIC_VERSIONS_DIR: malformedYaml }, names: /malformed\.yaml: / },
  'versions dir broken graph': { env: { ALEMBIC_VERSIONS_DIR: versions }, names: /a1\.py: .*zz_missing/ },
  'versions dir garbled file': { env: { ALEMBIC_VERSIONS_DIR: garbled }, names: /b1\.py: / }
}

// `check` only: the database itself is the problem.
const DATABASE_CASES: Record<string, Case> = {
  'unreachable host': { env: { DATABASE_URL: `postgres://postgres:${pg.password}@127.0.0.1:${dead}/postgres` }, names: /database: connection refused/ },
  'unknown host': { env: { DATABASE_URL: `postgres://postgres:${pg.password}@no-such-host.invalid/postgres` }, names: /database: .*(not found|ENOTFOUND|EAI_AGAIN)/ },
  'wrong password': { env: { DATABASE_URL: url.replace(pg.password, wrongPassword) }, names: /database: password authentication failed.*28P01/ },
  'TLS required, server refuses': { env: { DATABASE_URL: TLS_URL }, names: /database: .*(SSL|TLS)/ }
}

const secrets = [pg.password, wrongPassword]
const BASE = { DATABASE_URL: url, CHECK_TIMEOUT_MS: '2000' }

function assertOneLine (t: Test, label: string, run: CliResult, names: RegExp): void {
  const lines = run.stderr.split('\n').filter((l) => l !== '')
  t.equal(run.code, 2, `${label}: exit 2`)
  t.equal(lines.length, 1, `${label}: one line on stderr`)
  t.match(lines[0] ?? '', /^schema-sentinel: /, `${label}: prefixed`)
  t.match((lines[0] ?? '').replace(/^schema-sentinel: /, ''), names, `${label}: names the variable or file (${lines[0]})`)
  t.notMatch(run.stderr + run.stdout, /^\s+at /m, `${label}: no stack trace`)
  t.same(leaks(run.stderr + run.stdout, secrets), [], `${label}: no password`)
}

async function inBatches<T> (items: T[], size: number, fn: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(fn))
}

t.test('bad configuration: exit 2 with one line, for serve and check', async (t) => {
  // Every case in-process for both commands (fast, the same main()), and the first case of
  // each variable or file as a real child process, alternating commands, for the real
  // exit code and stderr (a spawn costs a second of CPU; the whole table would cost a minute).
  const cases = Object.entries(CASES)
  const family = (label: string): string => label.split(/[ =]/)[0]!
  const firsts = cases.filter(([label], i) => cases.findIndex(([l]) => family(l) === family(label)) === i)
  for (const [label, c] of cases) {
    for (const command of ['check', 'serve']) {
      assertOneLine(t, `${command} ${label} (in-process)`, await runCli([command], { ...BASE, HOST: '127.0.0.1', PORT: '0', ...c.env }), c.names)
    }
  }
  await inBatches(firsts.map(([label, c], i) => ({ label, c, command: i % 2 === 0 ? 'check' : 'serve' })), 4, async ({ label, c, command }) => {
    const run = await spawnCli([command], { ...BASE, HOST: '127.0.0.1', PORT: '0', ...c.env }, 30_000)
    assertOneLine(t, `${command} ${label}`, run, c.names)
  })
})

t.test('check: a database it cannot use is exit 2 with one line', async (t) => {
  await inBatches(Object.entries(DATABASE_CASES), 4, async ([label, c]) => {
    assertOneLine(t, `check ${label}`, await spawnCli(['check'], { ...BASE, ...c.env }, 30_000), c.names)
  })
})

t.test('serve: a database it cannot use is reported, not fatal', async (t) => {
  await Promise.all(Object.entries(DATABASE_CASES).map(async ([label, c]) => {
    const token = `ht-bad-${label.replace(/\W/g, '')}-${process.pid}`
    const svc = await spawnService(t, { ...BASE, ...c.env, HEALTH_TOKEN: token, CHECK_TIMEOUT_MS: '3000' })
    const why = new RegExp(c.names.source.replace(/^database: /, ''))
    // A busy machine can make the first round time out; the truth follows within a round.
    const { body } = await svc.waitFor('/health', (r, b) => r.status === 503 && why.test(JSON.parse(b).output), 15_000,
      { headers: { authorization: `Bearer ${token}` } })
    t.equal(JSON.parse(body).status, 'fail', `serve ${label}: /health fails and says why`)
    t.equal((await svc.get('/health/live')).status, 200, `serve ${label}: still live`)
    t.ok(svc.running(), `serve ${label}: still running`)
    svc.child.kill('SIGTERM')
    t.equal((await svc.exited).code, 0, `serve ${label}: SIGTERM exits 0`)
    t.same(leaks(svc.stdout() + svc.stderr() + body, [...secrets, token]), [], `serve ${label}: no password or token`)
    t.notMatch(svc.stderr(), /^\s+at /m, `serve ${label}: no stack trace`)
  }))
})
