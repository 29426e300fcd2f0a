// `serve`: the HTTP service. Listens at once (503 until the first round), runs rounds in
// the background, and shuts down gracefully on SIGTERM/SIGINT.
import type { FastifyInstance } from 'fastify'
import type pino from 'pino'
import type { Logger } from 'pino'
import type { Registry } from '../checks/check.js'
import { variables, type ConfigSource } from '../config.js'
import { ListenError } from '../errors.js'
import { createLogger } from '../logger.js'
import { sentinel } from '../plugin.js'
import { secretsOf } from '../postgres/pool.js'
import { createApp } from '../server.js'
import { tuneHeap } from '../heap-tuning.js'

export const SHUTDOWN_GRACE_MS = 10_000
/** On a signal, readiness answers 503 this long before the listener closes, so probes and load balancers see it. */
export const SHUTDOWN_DRAIN_MS = 1000

export interface CloseOptions {
  /** Keep answering, readiness 503, this long before closing (default 0). */
  readonly drainMs?: number
}

export interface ServiceOptions {
  /** Where the log goes (default: stdout). */
  readonly destination?: pino.DestinationStream
  /** The checks (default: the registry). */
  readonly checks?: Registry
}

export interface RunningService {
  readonly url: string
  readonly logger: Logger
  readonly app: FastifyInstance
  /** Readiness turns 503, in-flight requests finish, then server and pool close. */
  close (opts?: CloseOptions): Promise<void>
}

/** The secrets as given, before validation: nothing logged on the way may show them either. */
export function givenSecrets (source: ConfigSource): string[] {
  let data: Readonly<Record<string, string>> = {}
  try {
    data = variables(source).data
  } catch { /* the plugin reports it */ }
  return secretsOf({ databaseUrl: data.DATABASE_URL, healthToken: data.HEALTH_TOKEN, metricsToken: data.METRICS_TOKEN, deployToken: data.DEPLOY_TOKEN })
}

export async function startService (source: ConfigSource, opts: ServiceOptions = {}): Promise<RunningService> {
  // LOG_LEVEL is not validated yet: the plugin sets the level once it is.
  const logger = createLogger('info', givenSecrets(source), opts.destination)
  // The process is ours (the plugin, as a library, leaves V8 alone): before the manifest is read.
  const app = createApp()
  const heap = tuneHeap(() => app.hasDecorator('sentinel') && app.sentinel.latest() !== undefined)
  app.addHook('onClose', async () => { heap.stop() })
  void app.register(sentinel, { source, logger, ...(opts.checks !== undefined ? { checks: opts.checks } : {}) })
  try {
    await app.ready()
  } catch (err) {
    await app.close().catch(() => undefined)
    throw err
  }
  const { host, port } = app.config
  let url: string
  try {
    url = await app.listen({ port, host })
  } catch (err) {
    await app.close()
    const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message
    throw new ListenError(host, port, code, { cause: err })
  }
  logger.info({ url, interval_ms: app.config.checkIntervalMs, timeout_ms: app.config.checkTimeoutMs }, 'schema-sentinel is listening')
  let closing: Promise<void> | undefined
  return {
    url,
    logger,
    app,
    close (closeOpts = {}) {
      closing ??= (async () => {
        // Without a drain, app.close() at once drops idle keep-alive connections and refuses
        // new ones: a readiness probe would never see the 503 that tells it we are leaving.
        await app.sentinel.drain(closeOpts.drainMs ?? 0)
        await app.close()
      })()
      return closing
    }
  }
}

/** Runs until SIGTERM/SIGINT; resolves with the exit code. */
export async function serve (source: ConfigSource): Promise<number> {
  const service = await startService(source)
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
