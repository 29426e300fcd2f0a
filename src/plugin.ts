// The service as one Fastify plugin: it validates the configuration (@fastify/env, with the one
// schema of src/config.ts), loads the expectation, owns the pool and the monitor, exposes the
// latest Report through the `sentinel` decorator and the Config as `fastify.config`, registers
// the routes, and stops monitor and pool in onClose. `serve` and the benchmark server use it.
import fastifyEnv from '@fastify/env'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { Logger } from 'pino'
import { describeWarning } from './alembic/warnings.js'
import { CHECKS } from './checks/index.js'
import { assertRegistry, type Registry } from './checks/check.js'
import { configError, configSchema, toConfig, variables, type ConfigSource, type DatabaseConfig } from './config.js'
import { loadExpectation } from './expectation.js'
import { startMonitor } from './monitor.js'
import { createPool } from './postgres/pool.js'
import { createProcessMetrics, type ProcessMetrics } from './process-metrics.js'
import { assertFamilies } from './render/metrics.js'
import { deployCheckRoutes } from './routes/deploy-check.js'
import type { Sentinel } from './routes/options.js'
import { httpRoutes } from './server.js'
import { VERSION } from './version.js'

export interface SentinelOptions {
  /** The environment and flags; validated here. */
  readonly source: ConfigSource
  /** The checks to run and present (default: the registry, src/checks/index.ts). */
  readonly checks?: Registry
  readonly version?: string
  readonly processMetrics?: ProcessMetrics
  /** Where the service logs (default: app.log); its level becomes LOG_LEVEL. */
  readonly logger?: Logger
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The validated configuration of the service. */
    readonly config: DatabaseConfig
  }
}

async function sentinelPlugin (app: FastifyInstance, opts: SentinelOptions): Promise<void> {
  const vars = variables(opts.source)
  try {
    // `env`: the validated variables as the schema has them; `config` (below) is what they mean.
    await app.register(fastifyEnv, { schema: configSchema({ requireDatabase: true }), data: { ...vars.data }, env: false, confKey: 'env' })
  } catch (err) {
    throw configError(err, vars)
  }
  // The schema required DATABASE_URL: it is there.
  const config = toConfig(app.getEnvs<Record<string, unknown>>(), vars) as DatabaseConfig
  app.decorate('config', config)
  const log = opts.logger ?? app.log as Logger
  log.level = config.logLevel

  const checks = opts.checks ?? CHECKS
  // Before anything starts: a registry that cannot be presented is a mistake in the code.
  assertRegistry(checks)
  assertFamilies(checks)
  const version = opts.version ?? VERSION
  const expectation = await loadExpectation(config)
  for (const w of expectation.versions?.warnings ?? []) log.warn(describeWarning(w))
  const pool = createPool(config, log)
  const monitor = startMonitor({ pool, checks, config, expectation, version }, log)

  let shuttingDown = false
  let stopped: Promise<void> | undefined
  const sentinel: Sentinel = {
    latest: monitor.latest,
    shuttingDown: () => shuttingDown,
    async drain (ms) {
      shuttingDown = true
      // No new rounds from here; a running one may finish while we drain, then it is cut short.
      stopped ??= monitor.stop({ waitMs: ms })
      await new Promise((resolve) => setTimeout(resolve, ms))
    }
  }
  app.decorate('sentinel', sentinel)
  app.addHook('onClose', async () => {
    shuttingDown = true
    await (stopped ??= monitor.stop({ waitMs: 0 }))
    await pool.end()
  })

  if (config.healthToken === undefined) log.warn('HEALTH_TOKEN is not set: check details on /health and /health/schema are public')
  if (config.metricsToken === undefined) log.info('METRICS_TOKEN is not set: /metrics is public')
  const routeOptions = {
    version,
    releaseId: config.releaseId,
    healthToken: config.healthToken,
    metricsToken: config.metricsToken,
    processMetrics: opts.processMetrics ?? createProcessMetrics(),
    checks,
    logger: log
  }
  await app.register(httpRoutes, routeOptions)
  // The deploy gate exists only with its own token (unset: POST /check is 404).
  if (config.deployToken !== undefined) {
    await app.register(deployCheckRoutes, { ...routeOptions, deployToken: config.deployToken, monitor, baseline: expectation, checkTimeoutMs: config.checkTimeoutMs })
  }
}

export const sentinel = fp(sentinelPlugin, { fastify: '5.x', name: 'schema-sentinel' })
export default sentinel
