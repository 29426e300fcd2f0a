import type { Check } from './check.js'

const PING = 'SELECT 1 AS ok'

/** postgres:connectivity: a round trip to the database; errors become `fail` in the runner. */
export const connectivity: Check<never, 'postgres:connectivity'> = {
  name: 'postgres:connectivity',
  gatesOthers: true,
  prepare: () => ({
    async run ({ db }) {
      const started = performance.now()
      await db.query(PING)
      const ms = Math.round((performance.now() - started) * 100) / 100
      return { status: 'pass', observedValue: ms, observedUnit: 'ms' }
    }
  })
}
