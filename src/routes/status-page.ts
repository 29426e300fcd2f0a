// GET / (and HEAD): the status page for people. Same token rule as the health details:
// with HEALTH_TOKEN set, details need the token, from `Authorization: Bearer`, or a session
// cookie that the token form (POST /) or `?token=` sets. `?token=` then redirects to `/`, so the
// token leaves the address bar, the history and the page's 30 s refresh.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { HTML_CONTENT_TYPE, renderHtml } from '../render/html.js'
import { answer, PerReport } from './answer.js'
import { bearerToken, tokenMatches } from './auth.js'
import type { RouteOptions } from './options.js'
import { issueSession, SESSION_TTL_S, sessionValid } from './session.js'

export const STATUS_COOKIE = 'sentinel_status'
const FORM_BODY_LIMIT = 4096

// No scripts, nothing from elsewhere; the inline <style> is the only exception.
const SECURITY_HEADERS = {
  'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'X-Content-Type-Options': 'nosniff',
  // `?token=` must not travel to other sites in a Referer header.
  'Referrer-Policy': 'no-referrer'
}

function readCookie (header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=')
    if (key === name) return rest.join('=')
  }
  return undefined
}

type Access = { details: boolean, rejected: boolean, fromQuery?: boolean }

function access (expected: string | undefined, req: FastifyRequest): Access {
  if (expected === undefined) return { details: true, rejected: false }
  const bearer = bearerToken(req.headers.authorization)
  if (bearer !== undefined) {
    const ok = tokenMatches(expected, bearer)
    return { details: ok, rejected: !ok }
  }
  const query = (req.query as Record<string, unknown> | undefined)?.token
  if (typeof query === 'string') {
    const ok = tokenMatches(expected, query)
    return { details: ok, rejected: !ok, fromQuery: ok }
  }
  const cookie = readCookie(req.headers.cookie, STATUS_COOKIE)
  if (cookie !== undefined) {
    const ok = sessionValid(expected, cookie)
    // An expired or foreign session asks for the token again without calling it wrong.
    return { details: ok, rejected: false }
  }
  return { details: false, rejected: false }
}

/** A session cookie, then a 303 to `/`: what the token form and `?token=` answer. */
function startSession (req: FastifyRequest, reply: FastifyReply, token: string): FastifyReply {
  const secure = req.protocol === 'https' || req.headers['x-forwarded-proto'] === 'https'
  // Lax, not Strict: a link to the page from elsewhere (a chat, an alert) must reach it with the session.
  const cookie = `${STATUS_COOKIE}=${issueSession(token)}; Path=/; Max-Age=${SESSION_TTL_S}; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`
  return reply.header('Set-Cookie', cookie).redirect('/', 303)
}

export async function statusPageRoutes (app: FastifyInstance, opts: RouteOptions): Promise<void> {
  // Encapsulated in this plugin: only the status page parses HTML form bodies.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: FORM_BODY_LIMIT },
    (_req, body, done) => { done(null, Object.fromEntries(new URLSearchParams(body as string))) })

  const pages = new PerReport()
  const page = (reply: FastifyReply, { details, rejected }: Access) => {
    const report = app.sentinel.latest()
    const { statusCode, body } = pages.get(report, details ? 2 : rejected ? 1 : 0, () => {
      const rendered = renderHtml(report, { version: opts.version, releaseId: opts.releaseId, details, tokenRejected: rejected }, opts.checks)
      return answer(rendered.statusCode, HTML_CONTENT_TYPE, rendered.html)
    })
    return reply.code(statusCode).headers(SECURITY_HEADERS).type(HTML_CONTENT_TYPE).send(body)
  }

  app.get('/', async (req, reply) => {
    const given = access(opts.healthToken, req)
    if (given.fromQuery === true && opts.healthToken !== undefined) return startSession(req, reply, opts.healthToken)
    return page(reply, given)
  })

  app.post('/', { bodyLimit: FORM_BODY_LIMIT }, async (req, reply) => {
    const expected = opts.healthToken
    const token = (req.body as Record<string, unknown> | undefined)?.token
    if (expected === undefined) return reply.redirect('/', 303)
    if (typeof token !== 'string' || !tokenMatches(expected, token)) return page(reply, { details: false, rejected: true })
    return startSession(req, reply, expected)
  })
}
