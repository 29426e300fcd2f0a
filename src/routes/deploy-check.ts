// POST /check: the deploy gate. The app's deploy posts its models' manifest; one round runs now
// with that expectation (not the cached Report), and `?adopt=true` makes the monitor follow it.
// Exists only when DEPLOY_TOKEN is set. The token is checked before the body is read, the size
// before it is parsed; the body becomes an Expectation in memory only (checks compare it in
// JavaScript or bind it as parameters), never SQL text.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { SentinelError } from '../errors.js'
import type { Expectation } from '../expectation.js'
import type { Monitor } from '../monitor.js'
import { expectationBody, HEALTH_CONTENT_TYPE, renderHealth } from '../render/health.js'
import { overallStatus } from '../report.js'
import { parseManifest } from '../schema/manifest.js'
import { authorizer } from './auth.js'
import type { RouteOptions } from './options.js'

export const MAX_MANIFEST_BYTES = 5 * 1024 * 1024
const JSON_TYPES = ['application/json']
const YAML_TYPES = ['application/yaml', 'text/yaml', 'application/x-yaml']
const RELEASE = /^[\x21-\x7e]{1,128}$/

export interface DeployCheckOptions extends RouteOptions {
  readonly deployToken: string
  readonly monitor: Monitor
  /** The baked-in expectation: the posted manifest replaces its schema (and heads, when it has them). */
  readonly baseline: Expectation
  readonly checkTimeoutMs: number
}

const fail = (reply: FastifyReply, code: number, output: string): FastifyReply =>
  reply.code(code).header('content-type', HEALTH_CONTENT_TYPE).send(JSON.stringify({ status: 'fail', output }))

export async function deployCheckRoutes (app: FastifyInstance, opts: DeployCheckOptions): Promise<void> {
  const authorized = authorizer(opts.deployToken)
  const info = { version: opts.version, releaseId: opts.releaseId }
  const retryAfter = String(Math.max(1, Math.ceil(opts.checkTimeoutMs / 1000)))
  let busy = false
  const held = new WeakSet<FastifyRequest>()
  const release = (req: FastifyRequest): void => {
    if (held.delete(req)) busy = false
  }

  // The body stays a string: the manifest loader parses it (and names its lines in errors).
  // Only the manifest's types: Fastify's text/plain parser goes too (415).
  app.removeContentTypeParser([...JSON_TYPES, 'text/plain'])
  app.addContentTypeParser([...JSON_TYPES, ...YAML_TYPES], { parseAs: 'string', bodyLimit: MAX_MANIFEST_BYTES }, (_req, body, done) => { done(null, body) })

  app.post('/check', {
    bodyLimit: MAX_MANIFEST_BYTES,
    // Before the body is read: a stranger's 5 MB is never buffered, and a second gate waits for none.
    onRequest: async (req, reply) => {
      if (!authorized(req.headers.authorization)) return fail(reply.header('WWW-Authenticate', 'Bearer'), 401, 'a valid deploy token is required (Authorization: Bearer <DEPLOY_TOKEN>)')
      if (busy) return fail(reply.header('Retry-After', retryAfter), 429, 'another check is running; retry shortly')
      busy = true
      held.add(req)
    },
    onResponse: async (req) => { release(req) },
    onRequestAbort: async (req) => { release(req) },
    errorHandler: (err: FastifyError, req, reply) => {
      release(req)
      const code = err.statusCode !== undefined && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500
      const output = code === 413
        ? `manifest larger than ${MAX_MANIFEST_BYTES / 1024 / 1024} MB`
        : code === 415 ? `send the manifest as ${[...JSON_TYPES, ...YAML_TYPES].join(', ')}` : code === 500 ? 'internal error' : 'bad request'
      if (code === 500) (opts.logger ?? app.log).error({ err }, 'unexpected error in POST /check')
      void fail(reply, code, output)
    }
  }, async (req, reply) => {
    const body = req.body
    if (typeof body !== 'string') return fail(reply, 415, `send the manifest as ${[...JSON_TYPES, ...YAML_TYPES].join(', ')}`)
    const json = JSON_TYPES.includes((req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase())
    let expectation: Expectation
    try {
      const schema = parseManifest(body, json ? 'posted manifest.json' : 'posted manifest.yaml')
      const heads = schema.alembicHeads
      // Posted heads replace the baked-in ones, and the baked-in graph with them (it predates them).
      expectation = Object.freeze(heads !== undefined
        ? { schema, heads: { source: 'manifest' as const, revisions: heads } }
        : { ...opts.baseline, schema })
    } catch (err) {
      if (!(err instanceof SentinelError)) throw err
      return fail(reply, 400, err.message.split('\n')[0]!)
    }
    const header = req.headers['x-release-id']
    const releaseId = typeof header === 'string' && RELEASE.test(header) ? header : undefined
    const query = req.query as Record<string, string | undefined>
    const adopt = query.adopt === 'true' || query.adopt === '1'
    const checked = await opts.monitor.checkNow(expectation, { source: 'posted', ...(releaseId !== undefined ? { release: releaseId } : {}), since: Date.now() })
    if (checked === undefined) return fail(reply.header('Retry-After', retryAfter), 503, 'shutting down')
    const { report } = checked
    const rendered = renderHealth(report, 'schema', true, info, opts.checks).body
    const status = overallStatus(report, 'schema')
    const code = !report.up ? 503 : status === 'fail' ? 409 : 200
    const adopted = adopt && code === 200
    if (adopted) checked.adopt()
    // What is in force after this request: this expectation when adopted, else the monitor's.
    const inForce = adopted ? report.expectation : opts.monitor.latest()?.expectation
    const out = { ...rendered, adopted, ...(inForce !== undefined ? { expectation: expectationBody(inForce) } : {}) }
    return reply.code(code).header('content-type', HEALTH_CONTENT_TYPE).send(JSON.stringify(out))
  })
}
