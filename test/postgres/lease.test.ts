// A Lease borrows one pooled connection per round: a healthy connection goes back to the pool
// clean (no listener of ours left behind), a broken one is destroyed.
import t from 'tap'
import { loadConfig } from '../../src/config.js'
import { Lease } from '../../src/postgres/lease.js'
import { createPool } from '../../src/postgres/pool.js'
import { startPostgres } from '../helpers/postgres.js'

const db = await startPostgres()
t.teardown(() => db.destroy())

t.test('a reused connection does not gather an error listener per round', async (t) => {
  const pool = createPool(loadConfig({ DATABASE_URL: db.url() }, {}, { requireDatabase: true }))
  t.teardown(() => pool.end())
  const pids = new Set<unknown>()
  const listeners: number[] = []
  for (let i = 0; i < 25; i++) {
    const lease = new Lease(pool, Date.now() + 2000)
    const [row] = await lease.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')
    pids.add(row!.pid)
    await lease.endTransaction()
    lease.release(false)
    const client = await pool.connect()
    listeners.push(client.listenerCount('error'))
    client.release()
  }
  t.equal(pids.size, 1, 'every round reused the one connection')
  t.same(new Set(listeners).size, 1, `the error listener count stays flat (${listeners[0]}…${listeners.at(-1)})`)
})

t.test('a released-as-broken connection is not reused', async (t) => {
  const pool = createPool(loadConfig({ DATABASE_URL: db.url() }, {}, { requireDatabase: true }))
  t.teardown(() => pool.end())
  const pid = async (destroy: boolean): Promise<number> => {
    const lease = new Lease(pool, Date.now() + 2000)
    const [row] = await lease.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')
    await lease.endTransaction()
    lease.release(destroy)
    return row!.pid
  }
  const first = await pid(true)
  const second = await pid(false)
  t.not(second, first, 'a new backend after a destroyed one')
  t.equal(await pid(false), second, 'and that one is reused')
})
