// A black hole and a slow link (+3 s each way) between the service and PostgreSQL, with a
// 1 s round deadline: each round ends at its deadline with `fail` / "timeout", requests keep
// being answered from the last Report, rounds do not pile up, and healing brings `pass` back.
import t, { type Test } from 'tap'
import { spawnService, type ChildService } from '../helpers/child-service.js'
import { startPostgres } from '../helpers/postgres.js'
import { startTcpProxy, type ProxyMode, type TcpProxy } from '../helpers/tcp-proxy.js'
import { sleep } from '../helpers/watch.js'

const pg = await startPostgres()
t.teardown(() => pg.destroy())

const TIMEOUT_MS = 1000
const INTERVAL_MS = 200

function connectivityErrors (metrics: string): number {
  const m = /schema_sentinel_check_errors_total\{check="postgres:connectivity"\} (\d+)/.exec(metrics)
  return Number(m?.[1] ?? NaN)
}

/** Watches the proxy's open connections while a fault lasts. */
function watchProxy (proxy: TcpProxy): { max: () => number, stop: () => void } {
  let max = proxy.open()
  const timer = setInterval(() => { max = Math.max(max, proxy.open()) }, 5)
  return { max: () => max, stop: () => clearInterval(timer) }
}

interface Fault {
  readonly label: string
  readonly mode: ProxyMode
  /** What connectivity's output must say. */
  readonly output: RegExp
  /** The shortest a failing round can be: the deadline when it hangs, else the interval. */
  readonly roundMs: number
}

async function underFault (t: Test, svc: ChildService, proxy: TcpProxy, { label, mode, output, roundMs }: Fault): Promise<void> {
  await svc.waitFor('/health', (r) => r.status === 200, 10_000)
  const watcher = watchProxy(proxy)
  const before = connectivityErrors(await (await svc.get('/metrics')).text())
  proxy.set(mode)
  const startedAt = Date.now()

  // The fault can land mid-round, after connectivity passed: that round fails in a later check
  // (truthfully, and its output says so). Wait for the first round that began under the fault.
  const connectivityFails = (body: string): boolean => JSON.parse(body).checks['postgres:connectivity'][0].status === 'fail'
  const { body } = await svc.waitFor('/health', (r, b) => r.status === 503 && connectivityFails(b), INTERVAL_MS + 2 * TIMEOUT_MS + 3000)
  const json = JSON.parse(body)
  t.equal(json.status, 'fail', `${label}: /health fails`)
  t.match(json.checks['postgres:connectivity'][0].output, output, `${label}: connectivity says why`)
  t.match(json.output.split('; ')[0], output, `${label}: so does the summary, first`)

  // Keep asking while the fault lasts: every request is answered from the cached Report.
  let answered = 0
  let failedRequests = 0
  const until = Date.now() + 2 * TIMEOUT_MS
  while (Date.now() < until) {
    const results = await Promise.allSettled(['/health', '/health/schema', '/metrics', '/health/ready'].map(async (p) => {
      const res = await svc.get(p)
      await res.arrayBuffer()
      return res.status
    }))
    for (const r of results) {
      if (r.status === 'fulfilled' && [200, 503].includes(r.value)) answered++
      else failedRequests++
    }
    await sleep(20)
  }
  const elapsed = Date.now() - startedAt
  const after = connectivityErrors(await (await svc.get('/metrics')).text())
  watcher.stop()
  t.equal(failedRequests, 0, `${label}: every request was answered (${answered} answers)`)
  t.ok(after > before, `${label}: timed-out rounds are counted (${after - before})`)
  // Rounds never overlap: a hanging round lasts its full deadline, a failing one its interval.
  t.ok(after - before <= Math.ceil(elapsed / roundMs) + 1, `${label}: rounds did not pile up (${after - before} in ${elapsed} ms)`)
  t.ok(watcher.max() <= 2, `${label}: at most 2 connections through the proxy (max ${watcher.max()})`)
  t.ok(svc.running(), `${label}: serve still runs`)

  proxy.set('pass')
  const healed = await svc.waitFor('/health', (r) => r.status === 200, 10_000)
  t.equal(JSON.parse(healed.body).status, 'pass', `${label}: passes again after healing`)
}

t.test('black hole and slow link', async (t) => {
  const proxy = await startTcpProxy({ host: pg.host, port: pg.port })
  t.teardown(() => proxy.close())
  const svc = await spawnService(t, {
    DATABASE_URL: proxy.url(pg.url()),
    CHECK_INTERVAL_MS: String(INTERVAL_MS),
    CHECK_TIMEOUT_MS: String(TIMEOUT_MS)
  })
  const timeout = /^timeout$/
  await underFault(t, svc, proxy, { label: 'black hole', mode: 'blackhole', output: timeout, roundMs: TIMEOUT_MS })
  await underFault(t, svc, proxy, { label: 'slow link', mode: { delayMs: 3000 }, output: timeout, roundMs: TIMEOUT_MS })
  // A cut link fails fast, so rounds keep their interval instead of their deadline.
  await underFault(t, svc, proxy, { label: 'cut link', mode: 'cut', output: /terminated|reset|closed|ECONN/i, roundMs: INTERVAL_MS })
  t.notMatch(svc.stderr(), /unhandled|uncaught|^\s+at /m, 'no crash trace on stderr')
})
