// The connection cap follows the file descriptor limit.
import t from 'tap'
import { connectionCap, MAX_CONNECTIONS, openFileLimit } from '../src/http-limits.js'

t.test('the cap leaves room under the fd limit, and has a floor and a ceiling', async (t) => {
  t.equal(connectionCap(1024), 896)
  t.equal(connectionCap(1_048_576), MAX_CONNECTIONS)
  t.equal(connectionCap(64), 16)
  t.equal(connectionCap(undefined), MAX_CONNECTIONS)
  const limit = openFileLimit()
  if (process.platform === 'linux') t.ok(limit === undefined || limit > 0, `reads this process's limit (${limit})`)
})
