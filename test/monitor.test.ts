// Background rounds never overlap: a tick that finds a round running is skipped; the log
// records changes, not rounds.
import pino from 'pino'
import t from 'tap'
import type { Check, CheckRun } from '../src/checks/check.js'
import type { Status } from '../src/report.js'
import { connectivity } from '../src/checks/connectivity.js'
import { loadConfig } from '../src/config.js'
import { startMonitor } from '../src/monitor.js'
import { createPool } from '../src/postgres/pool.js'
import { startPostgres } from './helpers/postgres.js'

const pg = await startPostgres()
t.teardown(() => pg.destroy())

/** A check module with nothing to prepare and nothing of its own to present. */
const fixture = (name: string, run: CheckRun['run']): Check => ({ name, prepare: () => ({ run }) })

t.test('slow rounds are never run in parallel and the latest Report replaces the last', async (t) => {
  const config = loadConfig({ DATABASE_URL: pg.url(), CHECK_INTERVAL_MS: '20', CHECK_TIMEOUT_MS: '2000' }, {}, { requireDatabase: true })
  const pool = createPool(config)
  let running = 0
  let maxRunning = 0
  let rounds = 0
  const slow = fixture('schema:drift', async ({ db }) => {
    running++
    rounds++
    maxRunning = Math.max(maxRunning, running)
    try {
      await db.query('SELECT pg_sleep(0.15)')
    } finally {
      running--
    }
    return { status: 'pass', output: `round ${rounds}` }
  })
  const monitor = startMonitor({ pool, checks: [connectivity, slow], config, expectation: {}, version: '0' })
  t.equal(monitor.latest(), undefined, 'no Report before the first round')
  const first = await monitor.firstRound
  t.equal(first.checks[1]!.output, 'round 1')
  await new Promise((resolve) => setTimeout(resolve, 700))
  await monitor.stop()
  await pool.end()
  t.equal(maxRunning, 1, 'one round at a time')
  t.ok(rounds >= 2 && rounds <= 6, `rounds are bounded by their own length, not the 20 ms interval (${rounds})`)
  t.equal(monitor.latest()!.checks[1]!.output, `round ${rounds}`, 'latest() is the newest finished round')
  const after = rounds
  await new Promise((resolve) => setTimeout(resolve, 100))
  t.equal(rounds, after, 'no round after stop()')
})

t.test('the log records each change of status, and of reason under the same status, once', async (t) => {
  const config = loadConfig({ DATABASE_URL: pg.url(), CHECK_INTERVAL_MS: '20', CHECK_TIMEOUT_MS: '2000' }, {}, { requireDatabase: true })
  const pool = createPool(config)
  // One outcome a round; a repeat of the last outcome must not be logged again.
  const script: Array<[Status, string | undefined]> = [
    ['pass', undefined], ['pass', undefined], ['fail', 'timeout'], ['fail', 'timeout'],
    ['fail', 'password authentication failed (SQLSTATE 28P01)'], ['fail', 'password authentication failed (SQLSTATE 28P01)'],
    ['pass', undefined]
  ]
  let round = 0
  const scripted = fixture('schema:drift', async () => {
    const [status, output] = script[Math.min(round++, script.length - 1)]!
    return { status, ...(output !== undefined ? { output } : {}) }
  })
  const lines: Array<{ msg: string, status: string, checks: Array<{ output?: string }> }> = []
  const logger = pino({ level: 'info' }, { write: (line: string) => { lines.push(JSON.parse(line)) } })
  const monitor = startMonitor({ pool, checks: [connectivity, scripted], config, expectation: {}, version: '0' }, logger)
  while (round < script.length + 2) await new Promise((resolve) => setTimeout(resolve, 20))
  await monitor.stop()
  await pool.end()
  // Connected as superuser, the monitor also warns once about the role (test/security/powerful-role.test.ts).
  t.equal(lines.filter((l) => l.checks === undefined && /^connected as postgres, a superuser/.test(l.msg)).length, 1)
  t.same(lines.filter((l) => l.checks !== undefined).map((l) => [l.msg, l.checks.map((c) => c.output)]), [
    ['check status is now pass (strict, as /health/schema; /health: pass)', []],
    ['check status is now fail (strict, as /health/schema; /health: fail)', ['timeout']],
    ['check status is still fail, for another reason (strict, as /health/schema; /health: fail)', ['password authentication failed (SQLSTATE 28P01)']],
    ['check status is now pass (strict, as /health/schema; /health: pass)', []]
  ])
})

t.test('the log says which reading it reports: a pending migration is fail strictly, warn on /health', async (t) => {
  const config = loadConfig({ DATABASE_URL: pg.url(), CHECK_INTERVAL_MS: '1000', CHECK_TIMEOUT_MS: '2000' }, {}, { requireDatabase: true })
  const pool = createPool(config)
  const behind = fixture('alembic:revision', async () => ({ status: 'warn', strictStatus: 'fail', output: 'behind: 1 pending' }))
  const lines: Array<{ msg: string, status: string, health: string }> = []
  const logger = pino({ level: 'info' }, { write: (line: string) => { lines.push(JSON.parse(line)) } })
  const monitor = startMonitor({ pool, checks: [connectivity, behind], config, expectation: {}, version: '0' }, logger)
  await monitor.firstRound
  await monitor.stop()
  await pool.end()
  t.same(lines.filter((l) => l.status !== undefined).map((l) => [l.msg, l.status, l.health]), [['check status is now fail (strict, as /health/schema; /health: warn)', 'fail', 'warn']])
})
