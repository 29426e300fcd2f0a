// The Fastify layer: thin. It reads the latest Report through ServiceState and renders it.
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify'
import type { Logger } from 'pino'
import { capConnections, connectionCap, HTTP_LIMITS } from './http-limits.js'
import { createProcessMetrics, type ProcessMetrics } from './process-metrics.js'
import { healthRoutes } from './routes/health.js'
import { metricsRoutes } from './routes/metrics.js'
import { statusPageRoutes } from './routes/status-page.js'
import type { Handler, RouteOptions, ServiceState } from './routes/options.js'

export interface AppOptions {
  readonly state: ServiceState
  readonly version: string
  readonly releaseId?: string
  readonly healthToken?: string
  readonly metricsToken?: string
  readonly logger?: Logger
  readonly processMetrics?: ProcessMetrics
}

export function buildApp (opts: AppOptions): FastifyInstance {
  const app: FastifyInstance = Fastify({
    loggerInstance: opts.logger as FastifyBaseLogger | undefined,
    // Health checks arrive every few seconds: logging each request would drown the log.
    logController: new LogController({ disableRequestLogging: true }),
    // While closing, requests already on a connection get the real answer (with Connection:
    // close), not Fastify's bare 503: /health/live and /metrics never answer 503.
    return503OnClosing: false,
    forceCloseConnections: 'idle',
    ...HTTP_LIMITS
  })
  capConnections(app.server, connectionCap())

  // From the moment shutdown starts (readiness 503, the drain) every answer carries Connection:
  // close, and the connection closes after it: keep-alive clients reconnect while we still
  // listen, so none is left holding a connection when the listener closes (Node closes idle
  // ones then, and a request sent on one at that instant is reset). A connection busy when
  // close() starts would otherwise also hold close() until the keep-alive timeout (72 s).
  let closing = false
  app.addHook('preClose', async () => { closing = true })
  app.addHook('onSend', async (_req, reply) => {
    reply.header('Cache-Control', 'no-store')
    if (closing || opts.state.shuttingDown()) reply.header('Connection', 'close')
  })

  // Other methods on a known path are 405 whatever the method (TRACE, PROPFIND, … reach no
  // route at all) and before a body is parsed (else a POST body could make it 400/413/415).
  const allowed = new Map<string, readonly string[]>()
  app.addHook('onRequest', async (req, reply) => {
    const methods = allowed.get(req.url.split('?')[0] ?? '')
    if (methods === undefined || methods.includes(req.method)) return
    const list = methods.join(', ')
    return reply.code(405).header('Allow', list).send({ error: 'method_not_allowed', message: `use ${list.replace(/, (\w+)$/, ' or $1')}` })
  })

  app.setNotFoundHandler((req, reply) => {
    void reply.code(404).send({ error: 'not_found', message: 'no such endpoint' })
  })
  app.setErrorHandler((err: { statusCode?: number }, _req, reply) => {
    // Only client errors (bad headers, bodies) reach here; never echo details or stacks.
    const code = err.statusCode !== undefined && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500
    if (code === 500) app.log.error({ err }, 'unexpected error while answering a request')
    void reply.code(code).send({ error: code === 500 ? 'internal_error' : 'bad_request' })
  })

  const routeOptions: RouteOptions = {
    state: opts.state,
    version: opts.version,
    releaseId: opts.releaseId,
    healthToken: opts.healthToken,
    metricsToken: opts.metricsToken,
    processMetrics: opts.processMetrics ?? createProcessMetrics(),
    get (instance, url, handler: Handler) {
      instance.get(url, handler)
      allowed.set(url, ['GET', 'HEAD'])
    },
    allow (url, methods) {
      allowed.set(url, [...methods])
    }
  }
  void app.register(healthRoutes, routeOptions)
  void app.register(metricsRoutes, routeOptions)
  void app.register(statusPageRoutes, routeOptions)
  return app
}
