// The service plugin: serve validates through @fastify/env and the other commands through
// env-schema, with one schema: the same errors (by their fields), the same Config. It owns pool
// and monitor and stops both when the app closes.
import { Writable } from 'node:stream'
import t from 'tap'
import { startService } from '../src/commands/serve.js'
import { loadConfig } from '../src/config.js'
import { ConfigError } from '../src/errors.js'
import { startPostgres } from './helpers/postgres.js'

const pg = await startPostgres()
t.teardown(() => pg.destroy())

const base = { PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent' }
const quiet = { destination: new Writable({ write (_chunk, _enc, cb) { cb() } }) }

async function caught (fn: () => unknown): Promise<unknown> {
  try {
    await fn()
  } catch (err) {
    return err
  }
  return undefined
}

t.test('one schema: a bad variable is the same ConfigError through @fastify/env as through env-schema', async (t) => {
  const cases: Array<Record<string, string | undefined>> = [
    { PORT: 'abc' }, { CHECK_TIMEOUT_MS: '0' }, { LOG_LEVEL: 'loud' }, { DATABASE_URL: undefined },
    { DATABASE_URL: 'mysql://x@db/app' }, { SCHEMAS: 'a b' }, { DRIFT_SEVERITY: 'extra_table=loud' }
  ]
  for (const bad of cases) {
    const env = { ...base, DATABASE_URL: pg.url(), ...bad }
    const viaEnvSchema = await caught(() => loadConfig(env, {}, { requireDatabase: true }))
    const viaPlugin = await caught(() => startService({ env }, quiet))
    t.type(viaPlugin, ConfigError, JSON.stringify(bad))
    const { variable, problem } = viaEnvSchema as ConfigError
    t.match(viaPlugin, { variable, problem }, `${JSON.stringify(bad)}: ${variable}`)
  }
  const flagged = await caught(() => startService({ env: { ...base, DATABASE_URL: pg.url() }, flags: { schemas: 'x y' } }, quiet))
  t.match(flagged, { variable: '--schemas' }, 'a flag is named as the flag')
})

t.test('fastify.config is the Config, the latest Report a decorator; close stops monitor and pool', async (t) => {
  const env = { ...base, DATABASE_URL: pg.url(), SCHEMAS: 'public, audit', CHECK_INTERVAL_MS: '100', HEALTH_TOKEN: 'tok-1234' }
  const svc = await startService({ env }, quiet)
  t.same(svc.app.config, loadConfig(env, {}, { requireDatabase: true }))
  while (svc.app.sentinel.latest() === undefined) await new Promise((resolve) => setTimeout(resolve, 20))
  t.equal(svc.app.sentinel.latest()!.checks[0]!.status, 'pass')
  const sessions = "SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'schema-sentinel'"
  t.ok((await pg.query<{ n: number }>(sessions))[0]!.n >= 1, 'the pool holds a connection')
  await svc.close()
  t.equal(svc.app.sentinel.shuttingDown(), true)
  const finished = svc.app.sentinel.latest()!.finishedAt
  await new Promise((resolve) => setTimeout(resolve, 300))
  t.equal(svc.app.sentinel.latest()!.finishedAt, finished, 'no round after close')
  let n = -1
  for (let i = 0; i < 50 && n !== 0; i++) {
    n = (await pg.query<{ n: number }>(sessions))[0]!.n
    if (n !== 0) await new Promise((resolve) => setTimeout(resolve, 20))
  }
  t.equal(n, 0, 'the pool is closed')
})
