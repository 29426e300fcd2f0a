// The HTTP layer: thin. Routes read the latest Report through the `sentinel` decorator and send
// answers rendered once per Report. What every answer needs is arranged where it costs a
// request nothing: the 405 map and `Cache-Control` come from an onRoute hook (so no route,
// whoever adds it, escapes them), and 405/404 are decided in the not-found context, which only
// requests that match no route reach.
import Fastify, { type FastifyHttpOptions, type FastifyInstance, type FastifyReply, type FastifyRequest, type RouteHandlerMethod } from 'fastify'
import type { Server } from 'node:http'
import fp from 'fastify-plugin'
import { assertRegistry } from './checks/check.js'
import { CHECKS } from './checks/index.js'
import { capConnections, connectionCap, HTTP_LIMITS } from './http-limits.js'
import { createProcessMetrics } from './process-metrics.js'
import { assertFamilies } from './render/metrics.js'
import { healthRoutes } from './routes/health.js'
import { metricsRoutes } from './routes/metrics.js'
import { statusPageRoutes } from './routes/status-page.js'
import type { ReportSource, RouteOptions, Sentinel } from './routes/options.js'

async function httpLayer (app: FastifyInstance, opts: RouteOptions): Promise<void> {
  assertRegistry(opts.checks)
  assertFamilies(opts.checks)
  // From the moment shutdown starts (readiness 503, the drain) every answer carries Connection:
  // close, and the connection closes after it: keep-alive clients reconnect while we still
  // listen, so none is left holding a connection when the listener closes (Node closes idle
  // ones then, and a request sent on one at that instant is reset). A connection busy when
  // close() starts would otherwise also hold close() until the keep-alive timeout (72 s).
  // Handlers that answer before they return (config.answersAtOnce: the cached health answers)
  // are told when the request arrives; the others when their answer is sent (onSend).
  let closing = false
  app.addHook('preClose', async () => { closing = true })
  const sentinel = app.sentinel
  const closeIfStopping = (reply: FastifyReply): void => {
    if (closing || sentinel.shuttingDown()) reply.header('Connection', 'close')
  }
  const closeOnSend = (_req: FastifyRequest, reply: FastifyReply, payload: unknown, done: (err: null, payload: unknown) => void): void => {
    closeIfStopping(reply)
    done(null, payload)
  }

  const allowed = new Map<string, Set<string>>()
  app.addHook('onRoute', (route) => {
    const methods = allowed.get(route.url) ?? new Set<string>()
    for (const m of [route.method].flat()) methods.add(m)
    if (methods.has('GET')) methods.add('HEAD')
    allowed.set(route.url, methods)
    const handler = route.handler
    const atOnce = (route.config as { answersAtOnce?: boolean } | undefined)?.answersAtOnce === true
    route.handler = function (this: FastifyInstance, req, reply) {
      reply.header('Cache-Control', 'no-store')
      if (atOnce) closeIfStopping(reply)
      return handler.call(this, req, reply)
    } as RouteHandlerMethod
    if (!atOnce) route.onSend = [closeOnSend, ...[route.onSend ?? []].flat()]
  })

  app.setErrorHandler((err: { statusCode?: number }, _req, reply) => {
    // Only client errors (bad headers, bodies) reach here; never echo details or stacks.
    const code = err.statusCode !== undefined && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500
    if (code === 500) (opts.logger ?? app.log).error({ err }, 'unexpected error while answering a request')
    closeIfStopping(reply)
    void reply.code(code).header('Cache-Control', 'no-store').send({ error: code === 500 ? 'internal_error' : 'bad_request' })
  })

  await app.register(async function notFound (unmatched) {
    // Other methods on a known path are 405 whatever the method (TRACE, PROPFIND, … reach no
    // route at all) and before a body is parsed (else a POST body could make it 400/413/415).
    unmatched.addHook('onRequest', async (req, reply) => {
      const methods = allowed.get(req.url.split('?')[0] ?? '')
      if (methods === undefined || methods.has(req.method)) return
      const list = [...methods].join(', ')
      closeIfStopping(reply)
      return reply.code(405).header('Allow', list).header('Cache-Control', 'no-store')
        .send({ error: 'method_not_allowed', message: `use ${list.replace(/, (\w+)$/, ' or $1')}` })
    })
    unmatched.setNotFoundHandler((_req, reply) => {
      closeIfStopping(reply)
      void reply.code(404).header('Cache-Control', 'no-store').send({ error: 'not_found', message: 'no such endpoint' })
    })
  })

  await app.register(healthRoutes, opts)
  await app.register(metricsRoutes, opts)
  await app.register(statusPageRoutes, opts)
}

/**
 * The routes and their rules; needs the `sentinel` decorator (src/plugin.ts provides it). The
 * rules hold for every route added once this plugin has loaded (`await app.register(…)`).
 */
export const httpRoutes = fp(httpLayer, { fastify: '5.x', name: 'schema-sentinel-http', decorators: { fastify: ['sentinel'] } })

/**
 * The service's Fastify options. No logger: the service logs through its own (the plugin's
 * `logger` option). Requests are never logged (health checks would drown the log), and a
 * Fastify logger would still cost every request a child logger and response listeners,
 * some 10% of a health check's time.
 */
export function fastifyOptions (): FastifyHttpOptions<Server> {
  return {
    // While closing, requests already on a connection get the real answer (with Connection:
    // close), not Fastify's bare 503: /health/live and /metrics never answer 503.
    return503OnClosing: false,
    forceCloseConnections: 'idle',
    ...HTTP_LIMITS
  }
}

/** A Fastify app with the service's options and connection cap (src/http-limits.ts), nothing registered. */
export function createApp (): FastifyInstance {
  const app = Fastify(fastifyOptions())
  capConnections(app.server, connectionCap())
  return app
}

export interface AppOptions extends Partial<Omit<RouteOptions, 'version'>> {
  /** Where the Reports come from: a test's or an embedding's own. */
  readonly state: ReportSource
  readonly version: string
}

/** The HTTP layer over a given source of Reports, without a database (tests, embedding). */
export function buildApp (opts: AppOptions): FastifyInstance {
  const app = createApp()
  let draining = false
  const sentinel: Sentinel = {
    latest: () => opts.state.latest(),
    shuttingDown: () => draining || opts.state.shuttingDown(),
    drain: async (ms) => { draining = true; await new Promise((resolve) => setTimeout(resolve, ms)) }
  }
  app.decorate('sentinel', sentinel)
  void app.register(httpRoutes, {
    version: opts.version,
    releaseId: opts.releaseId,
    healthToken: opts.healthToken,
    metricsToken: opts.metricsToken,
    processMetrics: opts.processMetrics ?? createProcessMetrics(),
    checks: opts.checks ?? CHECKS,
    ...(opts.logger !== undefined ? { logger: opts.logger } : {})
  })
  return app
}
