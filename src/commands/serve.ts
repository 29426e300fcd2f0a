// `serve`: the HTTP service. Listens at once (503 until the first round), runs rounds in
// the background, and shuts down gracefully on SIGTERM/SIGINT.
import type { Logger } from 'pino'
import { describeWarning } from '../alembic/warnings.js'
import { CHECKS } from '../checks/index.js'
import type { Config } from '../config.js'
import { SentinelError } from '../errors.js'
import { loadExpectation } from '../expectation.js'
import { createLogger } from '../logger.js'
import { startMonitor } from '../monitor.js'
import { createPool, secretsOf } from '../postgres/pool.js'
import { buildApp } from '../server.js'
import { VERSION } from '../version.js'

export const SHUTDOWN_GRACE_MS = 10_000
/** On a signal, readiness answers 503 this long before the listener closes, so probes and load balancers see it. */
export const SHUTDOWN_DRAIN_MS = 1000

export interface CloseOptions {
  /** Keep answering, readiness 503, this long before closing (default 0). */
  readonly drainMs?: number
}

export interface RunningService {
  readonly url: string
  readonly logger: Logger
  /** Readiness turns 503, in-flight requests finish, then server and pool close. */
  close (opts?: CloseOptions): Promise<void>
}

export async function startService (config: Config, logger: Logger = createLogger(config.logLevel, secretsOf(config))): Promise<RunningService> {
  const expectation = await loadExpectation(config)
  for (const w of expectation.versions?.warnings ?? []) logger.warn(describeWarning(w))
  const pool = createPool(config, logger)
  const monitor = startMonitor({ pool, checks: CHECKS, config, expectation, version: VERSION }, logger)
  let shuttingDown = false
  const app = buildApp({
    state: { latest: monitor.latest, shuttingDown: () => shuttingDown },
    version: VERSION,
    releaseId: config.releaseId,
    healthToken: config.healthToken,
    metricsToken: config.metricsToken,
    logger
  })
  if (config.healthToken === undefined) logger.warn('HEALTH_TOKEN is not set: check details on /health and /health/schema are public')
  if (config.metricsToken === undefined) logger.info('METRICS_TOKEN is not set: /metrics is public')
  let url: string
  try {
    url = await app.listen({ port: config.port, host: config.host })
  } catch (err) {
    await monitor.stop()
    await pool.end()
    throw new SentinelError(`cannot listen on ${config.host}:${config.port}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`)
  }
  logger.info({ url, interval_ms: config.checkIntervalMs, timeout_ms: config.checkTimeoutMs }, 'schema-sentinel is listening')
  let closing: Promise<void> | undefined
  return {
    url,
    logger,
    close (opts = {}) {
      closing ??= (async () => {
        shuttingDown = true
        // No new rounds from here; a running one may finish while we drain, then it is cut short.
        const drainMs = opts.drainMs ?? 0
        const stopped = monitor.stop({ waitMs: drainMs })
        // Without a drain, app.close() at once drops idle keep-alive connections and refuses
        // new ones: a readiness probe would never see the 503 that tells it we are leaving.
        if (drainMs > 0) await new Promise((resolve) => setTimeout(resolve, drainMs))
        await app.close()
        await stopped
        await pool.end()
      })()
      return closing
    }
  }
}

/** Runs until SIGTERM/SIGINT; resolves with the exit code. */
export async function serve (config: Config): Promise<number> {
  const service = await startService(config)
  return await new Promise<number>((resolve) => {
    const onSignal = (signal: NodeJS.Signals): void => {
      service.logger.info({ signal }, 'shutting down')
      const force = setTimeout(() => {
        service.logger.error('shutdown took longer than 10 s; exiting')
        resolve(1)
      }, SHUTDOWN_GRACE_MS)
      force.unref()
      service.close({ drainMs: SHUTDOWN_DRAIN_MS }).then(() => {
        clearTimeout(force)
        service.logger.info('stopped')
        resolve(0)
      }, () => resolve(1))
    }
    process.once('SIGTERM', onSignal)
    process.once('SIGINT', onSignal)
  })
}
