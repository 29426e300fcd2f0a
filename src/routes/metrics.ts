import type { FastifyInstance } from 'fastify'
import { renderMetrics } from '../render/metrics.js'
import { authorized } from './auth.js'
import type { RouteOptions } from './options.js'

export async function metricsRoutes (app: FastifyInstance, opts: RouteOptions): Promise<void> {
  opts.get(app, '/metrics', async (req, reply) => {
    if (!authorized(opts.metricsToken, req.headers.authorization)) {
      return reply.code(401).header('WWW-Authenticate', 'Bearer realm="metrics"').send({ error: 'unauthorized', message: 'a valid bearer token is required' })
    }
    const own = renderMetrics(opts.state.latest(), opts.version)
    const process = await opts.processMetrics.metrics()
    return reply.code(200).type(opts.processMetrics.contentType).send(own + process)
  })
}
