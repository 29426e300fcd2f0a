// The service for the HTTP comparison, run as a child process: composed exactly as
// startService (src/commands/serve.ts) composes it, plus one bare route on the SAME app.
// Same process, same Fastify options, same onSend hook and error handlers, same background
// rounds: the only difference between /health and /bare is the handler itself.
//
// BENCH_MODULES points at a built dist/ (file URL of the directory): the routes then run as
// tsc emitted them, not as tsx transpiled them (tsx wraps closures in __name() helpers).
const root = process.env.BENCH_MODULES ?? new URL('../src/', import.meta.url).href
const from = async <T>(path: string): Promise<T> => await import(new URL(path, root).href) as T

const { CHECKS } = await from<typeof import('../src/checks/index.js')>('checks/index.js')
const { loadConfig } = await from<typeof import('../src/config.js')>('config.js')
const { loadExpectation } = await from<typeof import('../src/expectation.js')>('expectation.js')
const { createLogger } = await from<typeof import('../src/logger.js')>('logger.js')
const { startMonitor } = await from<typeof import('../src/monitor.js')>('monitor.js')
const { createPool, secretsOf } = await from<typeof import('../src/postgres/pool.js')>('postgres/pool.js')
const { buildApp } = await from<typeof import('../src/server.js')>('server.js')
const { VERSION } = await from<typeof import('../src/version.js')>('version.js')

const config = loadConfig(process.env, {}, { requireDatabase: true })
const logger = createLogger(config.logLevel, secretsOf(config))
const expectation = await loadExpectation(config)
const pool = createPool(config, logger)
const monitor = startMonitor({ pool, checks: CHECKS, config, expectation, version: VERSION }, logger)
const app = buildApp({
  state: { latest: monitor.latest, shuttingDown: () => false },
  version: VERSION,
  releaseId: config.releaseId,
  healthToken: config.healthToken,
  metricsToken: config.metricsToken,
  logger
})
// The body /health sends without details, fixed: what any framework route costs.
const BODY = Object.freeze({ status: 'pass', version: VERSION })
app.get('/bare', async () => BODY)

const url = await app.listen({ port: config.port, host: config.host })
process.stdout.write(`bench-server-url=${url}\n`)
process.once('SIGTERM', () => {
  void monitor.stop().then(() => app.close()).then(() => pool.end()).then(() => process.exit(0))
})
