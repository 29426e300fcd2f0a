// While the server closes, a request on a connection that is still open gets the real answer
// and `Connection: close`: /health/live and /metrics never answer 503 (Fastify's
// return503OnClosing would send its own 503 there).
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

t.test('a keep-alive connection open across the start of close still gets 200s', async (t) => {
  const latest = report([connectivityPass])
  let closing: Promise<void> | undefined
  // The first /metrics request starts the close and answers once it is under way.
  const app = buildApp({
    state: { latest: () => latest, shuttingDown: () => closing !== undefined },
    version: '0.1.0',
    processMetrics: {
      contentType: 'text/plain; version=0.0.4; charset=utf-8',
      async metrics () {
        closing ??= app.close()
        await new Promise((resolve) => setTimeout(resolve, 100))
        return ''
      }
    }
  })
  t.teardown(() => closing ?? app.close())
  await app.listen({ port: 0, host: '127.0.0.1' })
  const { port } = app.server.address() as { port: number }
  const agent = new Agent({ keepAlive: true, maxSockets: 1 })
  t.teardown(() => agent.destroy())

  const first = await get(agent, port, '/metrics')
  t.equal(first.status, 200, '/metrics while the close starts')
  const live = await get(agent, port, '/health/live')
  t.equal(live.socket, first.socket, 'on the connection that was open')
  t.equal(live.status, 200, '/health/live: the real answer, not 503')
  t.equal(live.connection, 'close', 'and the connection is closed after it')
  await closing
})
