// Background rounds never overlap: a tick that finds a round running is skipped.
import t from 'tap'
import type { Check } from '../src/checks/check.js'
import { connectivity } from '../src/checks/connectivity.js'
import { loadConfig } from '../src/config.js'
import { startMonitor } from '../src/monitor.js'
import { createPool } from '../src/postgres/pool.js'
import { startPostgres } from './helpers/postgres.js'

const pg = await startPostgres()
t.teardown(() => pg.destroy())

t.test('slow rounds are never run in parallel and the latest Report replaces the last', async (t) => {
  const config = loadConfig({ DATABASE_URL: pg.url(), CHECK_INTERVAL_MS: '20', CHECK_TIMEOUT_MS: '2000' })
  const pool = createPool(config)
  let running = 0
  let maxRunning = 0
  let rounds = 0
  const slow: Check = {
    name: 'schema:drift',
    async run ({ db }) {
      running++
      rounds++
      maxRunning = Math.max(maxRunning, running)
      try {
        await db.query('SELECT pg_sleep(0.15)')
      } finally {
        running--
      }
      return { status: 'pass', output: `round ${rounds}` }
    }
  }
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
