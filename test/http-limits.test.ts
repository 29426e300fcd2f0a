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

t.test('at the cap, the oldest connection not being answered goes; one being answered stays', async (t) => {
  const { createServer } = await import('node:http')
  const { connect } = await import('node:net')
  const { capConnections } = await import('../src/http-limits.js')
  let release: (() => void) | undefined
  const server = createServer((req, res) => {
    if (req.url === '/slow') release = () => res.end('slow done')
    else res.end('ok')
  })
  capConnections(server, 3)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => server.close())
  const port = (server.address() as { port: number }).port
  const open = async (bytes: string) => {
    const socket = connect({ port, host: '127.0.0.1' })
    let data = ''
    socket.on('data', (c) => { data += String(c) })
    socket.on('error', () => {})
    await new Promise((resolve) => socket.once('connect', resolve))
    socket.write(bytes)
    return { socket, data: () => data }
  }
  const until = async (cond: () => boolean) => { for (let i = 0; !cond() && i < 400; i++) await new Promise((resolve) => setTimeout(resolve, 5)) }
  const busy = await open('GET /slow HTTP/1.1\r\nHost: x\r\n\r\n') // oldest, being answered
  await until(() => release !== undefined)
  const half1 = await open('GET / HTTP/1.1\r\nHost: x\r\n')
  const half2 = await open('GET / HTTP/1.1\r\nHost: x\r\n')
  const connections = () => new Promise<number>((resolve) => server.getConnections((_e, n) => resolve(n)))
  for (let i = 0; (await connections()) < 3 && i < 400; i++) await new Promise((resolve) => setTimeout(resolve, 5))
  const fresh = await open('GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')
  await until(() => fresh.data().includes('ok'))
  t.match(fresh.data(), /^HTTP\/1\.1 200/, 'the new connection is answered')
  await until(() => half1.socket.closed)
  t.ok(half1.socket.closed, 'the oldest half-sent request was let go')
  t.notOk(half2.socket.closed, 'the younger one stays')
  t.notOk(busy.socket.closed, 'the connection being answered stays, though it is the oldest')
  release!()
  await until(() => busy.data().includes('slow done'))
  t.match(busy.data(), 'slow done')
  for (const c of [busy, half1, half2, fresh]) c.socket.destroy()
})
