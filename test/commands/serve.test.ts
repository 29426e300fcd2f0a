// The real process: start, answer, SIGTERM, exit 0; and a database outage never stops it.
import { spawn } from 'node:child_process'
import t from 'tap'
import { CLI_ENTRY } from '../helpers/cli.js'
import { freePort, startPostgres } from '../helpers/postgres.js'

const pg = await startPostgres()
t.teardown(() => pg.destroy())

async function waitFor (url: string, status: number, timeoutMs = 15_000): Promise<Response> {
  const until = Date.now() + timeoutMs
  for (;;) {
    try {
      const res = await fetch(url)
      if (res.status === status) return res
      await res.arrayBuffer()
    } catch { /* not listening yet */ }
    if (Date.now() > until) throw new Error(`${url} never answered ${status}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

function serve (env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI_ENTRY, 'serve'], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, HOST: '127.0.0.1', CHECK_INTERVAL_MS: '200', ...env },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let out = ''
  child.stdout.on('data', (d) => { out += d })
  child.stderr.on('data', (d) => { out += d })
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  return { child, exited, output: () => out }
}

t.test('SIGTERM: readiness 503 while closing, then exit 0 and the pool is closed', async (t) => {
  const port = await freePort()
  const proc = serve({ DATABASE_URL: pg.url(), PORT: String(port) })
  t.teardown(() => { proc.child.kill('SIGKILL') })
  await waitFor(`http://127.0.0.1:${port}/health`, 200)
  const before = await pg.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'schema-sentinel'")
  t.ok(before[0]!.n >= 1 && before[0]!.n <= 2, `holds 1 or 2 connections (${before[0]!.n})`)
  const started = Date.now()
  proc.child.kill('SIGTERM')
  t.equal(await proc.exited, 0, 'exit code 0')
  t.ok(Date.now() - started < 10_000, 'within the 10 s grace')
  t.match(proc.output(), /"msg":"shutting down"/)
  t.match(proc.output(), /"msg":"stopped"/)
  const after = await pg.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'schema-sentinel'")
  t.equal(after[0]!.n, 0, 'no connection left behind')
})

t.test('serve starts and keeps answering while the database is down', async (t) => {
  const port = await freePort()
  const dead = await freePort()
  const proc = serve({ DATABASE_URL: `postgres://postgres:${pg.password}@127.0.0.1:${dead}/postgres`, PORT: String(port) })
  t.teardown(() => { proc.child.kill('SIGKILL') })
  const res = await waitFor(`http://127.0.0.1:${port}/health`, 503)
  t.equal((await res.json()).status, 'fail')
  t.equal((await fetch(`http://127.0.0.1:${port}/health/live`)).status, 200)
  t.equal(proc.child.exitCode, null, 'still running')
  proc.child.kill('SIGINT')
  t.equal(await proc.exited, 0)
  t.notMatch(proc.output(), new RegExp(pg.password), 'the password is never logged')
})
