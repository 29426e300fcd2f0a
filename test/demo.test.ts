// `npm run demo` as a newcomer runs it: it prints a URL that serves the sample database,
// `drop` and `add` on its stdin replay the incident, and Ctrl-C stops everything and removes the data.
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import t from 'tap'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')

t.test('the demo serves a behind, drifted sample database and cleans up on Ctrl-C', async (t) => {
  const child = spawn(process.execPath, ['--import', 'tsx', 'demo/demo.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME },
    stdio: ['pipe', 'pipe', 'pipe']
  })
  t.teardown(() => { child.kill('SIGKILL') })
  let out = ''
  child.stdout.on('data', (d) => { out += d })
  child.stderr.on('data', (d) => { out += d })
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  const until = Date.now() + 60_000
  let base: string | undefined
  while (base === undefined && Date.now() < until) {
    base = /serving the demo database at (http:\/\/\S+)/.exec(out)?.[1]
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  t.ok(base, `printed its URL:\n${out}`)
  let health: Response
  for (;;) {
    health = await fetch(`${base}/health`)
    if (health.status !== 503 || Date.now() > until) break
    await health.arrayBuffer()
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  t.equal(health.status, 200)
  const body = await health.json()
  t.equal(body.status, 'warn')
  t.equal(body.checks['postgres:connectivity'][0].status, 'pass')
  t.equal(body.checks['alembic:revision'][0].state, 'behind')
  t.equal(body.checks['alembic:revision'][0].pending, 1)
  t.same(body.checks['schema:drift'][0].findings.map((f: { kind: string, column: string }) => `${f.kind} ${f.column}`), ['type_mismatch created_at'])
  t.equal((await fetch(`${base}/health/schema`)).status, 503, 'strict reading fails on the pending migration')
  t.match(await (await fetch(`${base}/metrics`)).text(), /^schema_sentinel_alembic_pending_migrations 1$/m)
  t.match(out, /check status is now fail \(strict, as \/health\/schema; \/health: warn\)/, 'the log says which reading its fail is')
  t.notMatch(out, /\b(jq|psql)\b/, 'the printed commands need no jq or psql')

  const waitHealth = async (status: number): Promise<{ status: string, output?: string }> => {
    for (const until = Date.now() + 20_000; ;) {
      const res = await fetch(`${base}/health`)
      const body = await res.json()
      if (res.status === status || Date.now() > until) { t.equal(res.status, status); return body }
      await new Promise((resolve) => setTimeout(resolve, 200))
    }
  }
  child.stdin.write('drop\n')
  t.match((await waitHealth(503)).output, /public\.pdfs\.processing_started_at is expected but missing/, 'drop replays the incident')
  child.stdin.write('add\n')
  t.equal((await waitHealth(200)).status, 'warn', 'add brings it back')

  const dataDir = /data in (\S+)/.exec(out)?.[1]
  t.ok(dataDir !== undefined && existsSync(dataDir), 'data directory exists while running')
  child.kill('SIGINT')
  t.equal(await exited, 0, 'Ctrl-C exits 0')
  t.match(out, /Stopping/)
  t.notOk(existsSync(dataDir!), 'data removed')
})
