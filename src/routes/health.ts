// Health routes: liveness and readiness never touch the Report's checks; /health and
// /health/schema render the cached Report. Nothing here reaches the database.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { HEALTH_CONTENT_TYPE, renderHealth, renderLive, renderReady, type Rendered } from '../render/health.js'
import type { View } from '../report.js'
import { authorized } from './auth.js'
import type { RouteOptions } from './options.js'

function send (reply: FastifyReply, { statusCode, body }: Rendered): FastifyReply {
  return reply.code(statusCode).type(HEALTH_CONTENT_TYPE).send(body)
}

export async function healthRoutes (app: FastifyInstance, opts: RouteOptions): Promise<void> {
  const info = { version: opts.version, releaseId: opts.releaseId }
  const details = (req: FastifyRequest): boolean => authorized(opts.healthToken, req.headers.authorization)

  const live = async (_req: unknown, reply: FastifyReply) => send(reply, renderLive(info))
  for (const url of ['/health/live', '/livez']) opts.get(app, url, live)

  const ready = async (req: FastifyRequest, reply: FastifyReply) =>
    send(reply, renderReady(opts.state.latest(), opts.state.shuttingDown(), details(req), info))
  for (const url of ['/health/ready', '/readyz']) opts.get(app, url, ready)

  const views: Array<[string, View]> = [['/health', 'health'], ['/health/schema', 'schema']]
  for (const [url, view] of views) {
    opts.get(app, url, async (req, reply) => send(reply, renderHealth(opts.state.latest(), view, details(req), info)))
  }
}
