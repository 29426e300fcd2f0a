// GET /metrics: our own families (rendered once per Report) and the process metrics (per scrape).
import type { FastifyInstance } from 'fastify'
import { renderMetrics } from '../render/metrics.js'
import { answer, PerReport } from './answer.js'
import { authorizer } from './auth.js'
import type { RouteOptions } from './options.js'

export async function metricsRoutes (app: FastifyInstance, opts: RouteOptions): Promise<void> {
  const authorized = authorizer(opts.metricsToken)
  const sentinel = app.sentinel
  const own = new PerReport()
  app.get('/metrics', async (req, reply) => {
    if (!authorized(req.headers.authorization)) {
      return reply.code(401).header('WWW-Authenticate', 'Bearer realm="metrics"').send({ error: 'unauthorized', message: 'a valid bearer token is required' })
    }
    const report = sentinel.latest()
    const ours = own.get(report, 0, () => answer(200, opts.processMetrics.contentType, renderMetrics(report, opts.version, opts.checks)))
    const process = await opts.processMetrics.metrics()
    return reply.code(200).type(opts.processMetrics.contentType).send(ours.body + process)
  })
}
