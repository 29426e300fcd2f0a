// Health routes: liveness and readiness never touch the Report's checks; /health and
// /health/schema render the cached Report, once per Report and variant. Nothing here reaches
// the database, and a request costs a token check (only when a token is set) and a lookup.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { HEALTH_CONTENT_TYPE, renderHealth, renderLive, renderReady, type Rendered } from '../render/health.js'
import type { View } from '../report.js'
import { answer, PerReport, send, type Answer } from './answer.js'
import { authorizer } from './auth.js'
import type { RouteOptions } from './options.js'

const json = ({ statusCode, body }: Rendered): Answer => answer(statusCode, HEALTH_CONTENT_TYPE, JSON.stringify(body))
/** These handlers send before they return: nothing of theirs is still in flight when the server closes. */
const AT_ONCE = { config: { answersAtOnce: true } }

export async function healthRoutes (app: FastifyInstance, opts: RouteOptions): Promise<void> {
  const info = { version: opts.version, releaseId: opts.releaseId }
  const authorized = authorizer(opts.healthToken)
  const details = (req: FastifyRequest): boolean => authorized(req.headers.authorization)
  const sentinel = app.sentinel

  const live = json(renderLive(info))
  for (const url of ['/health/live', '/livez']) app.get(url, AT_ONCE, (_req, reply) => { send(reply, live) })

  // Readiness has five answers, whatever the Report holds: made once each.
  const notYet = [false, true].map((d) => json(renderReady(undefined, false, d, info)))
  const stopping = [false, true].map((d) => json(renderReady(undefined, true, d, info)))
  let ready: Answer | undefined
  const readiness = (req: FastifyRequest, reply: FastifyReply): void => {
    const report = sentinel.latest()
    if (sentinel.shuttingDown()) send(reply, stopping[details(req) ? 1 : 0]!)
    else if (report === undefined) send(reply, notYet[details(req) ? 1 : 0]!)
    else send(reply, ready ??= json(renderReady(report, false, false, info)))
  }
  for (const url of ['/health/ready', '/readyz']) app.get(url, AT_ONCE, readiness)

  const views: Array<[string, View]> = [['/health', 'health'], ['/health/schema', 'schema']]
  for (const [url, view] of views) {
    const cache = new PerReport()
    app.get(url, AT_ONCE, (req, reply) => {
      const report = sentinel.latest()
      const d = details(req)
      send(reply, cache.get(report, d ? 1 : 0, () => json(renderHealth(report, view, d, info, opts.checks))))
    })
  }
}
