// While the service shuts down (the drain, then close), answers carry `Connection: close`;
// a request already on a connection when close starts gets the real answer (never
// Fastify's bare 503) and `Connection: close`, so close() need not wait for keep-alive.
import { Agent, request } from 'node:http'
import t from 'tap'
import { buildApp } from '../../src/server.js'
import { connectivityPass, report } from '../render/reports.js'

interface Answer { status: number, connection: string | undefined, socket: unknown }

function get (agent: Agent, port: number, path: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent }, (res) => {
      res.resume()
      res.on('end', () => resolve({ status: res.statusCode ?? 0, connection: res.headers.connection, socket: req.socket }))
    })
    req.on('error', reject)
    req.end()
  })
}

t.test('a request in flight when close starts is told to close, so close() does not wait for keep-alive', async (t) => {
  const latest = report([connectivityPass])
  const app = buildApp({
    state: { latest: () => latest, shuttingDown: () => false },
    version: '0.1.0',
    processMetrics: {
      contentType: 'text/plain; version=0.0.4; charset=utf-8',
      async metrics () { await new Promise((resolve) => setTimeout(resolve, 200)); return '' }
    }
  })
  await app.listen({ port: 0, host: '127.0.0.1' })
  const { port } = app.server.address() as { port: number }
  const agent = new Agent({ keepAlive: true, maxSockets: 1 })
  t.teardown(() => agent.destroy())
  const answer = get(agent, port, '/metrics')
  await new Promise((resolve) => setTimeout(resolve, 50))
  let closed = false
  const closing = app.close().then(() => { closed = true })
  const res = await answer
  t.equal(res.status, 200, 'the real answer, not 503')
  t.equal(res.connection, 'close', 'the in-flight answer carries Connection: close')
  // Without it, close() waits for the 72 s keep-alive timeout; give it a generous 5 s.
  await Promise.race([closing, new Promise((resolve) => setTimeout(resolve, 5000))])
  t.ok(closed, 'close() finished without waiting for the keep-alive timeout')
})

t.test('while shutting down (the drain, before close), every answer carries Connection: close', async (t) => {
  const latest = report([connectivityPass])
  let shuttingDown = false
  const app = buildApp({ state: { latest: () => latest, shuttingDown: () => shuttingDown }, version: '0.1.0' })
  await app.listen({ port: 0, host: '127.0.0.1' })
  t.teardown(() => app.close())
  const { port } = app.server.address() as { port: number }
  const agent = new Agent({ keepAlive: true, maxSockets: 1 })
  t.teardown(() => agent.destroy())
  const first = await get(agent, port, '/health')
  t.not(first.connection, 'close', 'kept alive before')
  t.equal((await get(agent, port, '/health')).socket, first.socket, 'the connection is reused')
  shuttingDown = true
  let previous = first.socket
  for (const path of ['/health/live', '/health', '/health/ready', '/metrics', '/nope']) {
    const res = await get(agent, port, path)
    t.equal(res.connection, 'close', `${path} ${res.status}: Connection: close`)
    if (path !== '/health/live') t.not(res.socket, previous, 'the agent left the closed connection: a new one')
    previous = res.socket
  }
})
