// The service for the HTTP comparison, run as a child process: composed exactly as
// startService (src/commands/serve.ts) composes it, plus one bare route on the SAME app.
// Same process, same Fastify options, same onSend hook and error handlers, same background
// rounds: the only difference between /health and /bare is the handler itself.
import { CHECKS } from '../src/checks/index.js'
import { loadConfig } from '../src/config.js'
import { loadExpectation } from '../src/expectation.js'
import { createLogger } from '../src/logger.js'
import { startMonitor } from '../src/monitor.js'
import { createPool, secretsOf } from '../src/postgres/pool.js'
import { buildApp } from '../src/server.js'
import { VERSION } from '../src/version.js'

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
