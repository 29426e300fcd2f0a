// Health routes: liveness and readiness never touch the Report's checks; /health and
// /health/schema render the cached Report. Nothing here reaches the database.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { renderHealth, HEALTH_CONTENT_TYPE, NO_ROUND_OUTPUT, type HealthBody } from '../render/health.js'
import type { View } from '../report.js'
import { authorized } from './auth.js'
import type { RouteOptions } from './options.js'

function send (reply: FastifyReply, statusCode: number, body: HealthBody): FastifyReply {
  return reply.code(statusCode).type(HEALTH_CONTENT_TYPE).send(body)
}

export async function healthRoutes (app: FastifyInstance, opts: RouteOptions): Promise<void> {
  const info = { version: opts.version, releaseId: opts.releaseId }
  const base = (status: 'pass' | 'fail'): HealthBody =>
    ({ status, version: info.version, ...(info.releaseId !== undefined ? { releaseId: info.releaseId } : {}) })

  const live = async (_req: unknown, reply: FastifyReply) => send(reply, 200, base('pass'))
  for (const url of ['/health/live', '/livez']) opts.get(app, url, live)

  // `output` is a detail: with HEALTH_TOKEN set it needs the token here too.
  const ready = async (req: FastifyRequest, reply: FastifyReply) => {
    const why = opts.state.shuttingDown() ? 'shutting down' : opts.state.latest() === undefined ? NO_ROUND_OUTPUT : undefined
    if (why === undefined) return send(reply, 200, base('pass'))
    const details = authorized(opts.healthToken, req.headers.authorization)
    return send(reply, 503, details ? { ...base('fail'), output: why } : base('fail'))
  }
  for (const url of ['/health/ready', '/readyz']) opts.get(app, url, ready)

  const views: Array<[string, View]> = [['/health', 'health'], ['/health/schema', 'schema']]
  for (const [url, view] of views) {
    opts.get(app, url, async (req, reply) => {
      const details = authorized(opts.healthToken, req.headers.authorization)
      const { statusCode, body } = renderHealth(opts.state.latest(), view, details, info)
      return send(reply, statusCode, body)
    })
  }
}
