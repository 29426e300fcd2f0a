// Slow clients cannot take liveness down: 1,100 half-sent requests against `serve` running with
// 1,024 file descriptors (ulimit -n in a shell, as a small container has), and /health/live
// still answers, at once and repeatedly, while they hold their connections.
import { spawn } from 'node:child_process'
import { connect, type Socket } from 'node:net'
import t from 'tap'
import { connectionCap } from '../../src/http-limits.js'
import { CLI_ENTRY } from '../helpers/cli.js'
import { freePort, startPostgres } from '../helpers/postgres.js'
import { rawRequest } from '../helpers/hostile.js'

const pg = await startPostgres()
t.teardown(() => pg.destroy())

const HOLDERS = 1_100

/** Opens a connection and sends a request line and one header, never the blank line that ends them. */
function halfSent (port: number): Promise<Socket> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port })
    socket.on('error', () => {}) // the server may close it; that is the point
    socket.once('connect', () => {
      socket.write('GET /health/live HTTP/1.1\r\nHost: sentinel\r\n')
      resolve(socket)
    })
    socket.once('close', () => resolve(socket))
  })
}

t.test('1,100 half-sent requests, 1,024 file descriptors: /health/live answers', async (t) => {
  const port = await freePort()
  const child = spawn('/bin/sh', ['-c', 'ulimit -n 1024 && exec "$0" "$@"', process.execPath, '--import', 'tsx', CLI_ENTRY, 'serve'], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, HOST: '127.0.0.1', PORT: String(port), DATABASE_URL: pg.url(), LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let output = ''
  child.stdout!.on('data', (c: Buffer) => { output += String(c) })
  child.stderr!.on('data', (c: Buffer) => { output += String(c) })
  const exited = new Promise((resolve) => child.once('exit', resolve))
  t.teardown(async () => { child.kill('SIGKILL'); await exited })

  // Listening: a complete request answers.
  for (let i = 0; ; i++) {
    if ((await rawRequest(port, 'GET /health/live HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n', 1000)).status === 200) break
    if (i > 200) throw new Error(`serve did not start: ${output}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  t.match(await import('node:fs').then((fs) => fs.readFileSync(`/proc/${child.pid}/limits`, 'utf8')), /^Max open files\s+1024\s/m, 'the service runs with 1,024 file descriptors')

  const holders: Socket[] = []
  for (let i = 0; i < HOLDERS; i += 100) {
    holders.push(...await Promise.all(Array.from({ length: Math.min(100, HOLDERS - i) }, () => halfSent(port))))
  }
  t.teardown(() => { for (const s of holders) s.destroy() })
  const closed = (): number => holders.filter((s) => s.closed).length

  for (let i = 0; i < 5; i++) {
    const answer = await rawRequest(port, 'GET /health/live HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n', 10_000)
    t.equal(answer.status, 200, `/health/live answers while they hold on (${i + 1})`)
  }
  // The server kept as many as its file descriptors allow and let the oldest go.
  const cap = connectionCap(1024)
  for (let i = 0; closed() < HOLDERS - cap && i < 200; i++) await new Promise((resolve) => setTimeout(resolve, 25))
  t.ok(closed() >= HOLDERS - cap, `the oldest were let go (${closed()} closed)`)
  t.ok(HOLDERS - closed() >= cap - 10, `the rest still hold a connection (${HOLDERS - closed()})`)
  t.ok(holders.slice(0, HOLDERS - cap).every((s) => s.closed), 'oldest first')
  t.notMatch(output, /EMFILE|too many open files/i, 'never out of file descriptors')
  t.ok(child.exitCode === null, 'still running')
})
