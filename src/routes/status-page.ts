// GET / (and HEAD): the status page for people. Same token rule as the health details:
// with HEALTH_TOKEN set, details need the token, from `Authorization: Bearer`, `?token=`,
// or the cookie a form POST sets. The cookie holds a keyed hash of the token, never the
// token itself, so it cannot be replayed against /health or /metrics.
import { createHmac } from 'node:crypto'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { HTML_CONTENT_TYPE, renderHtml } from '../render/html.js'
import { answer, PerReport } from './answer.js'
import { bearerToken, tokenMatches } from './auth.js'
import type { RouteOptions } from './options.js'

export const STATUS_COOKIE = 'sentinel_status'
const COOKIE_MAX_AGE_S = 30 * 24 * 3600
const FORM_BODY_LIMIT = 4096

// No scripts, nothing from elsewhere; the inline <style> is the only exception.
const SECURITY_HEADERS = {
  'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'X-Content-Type-Options': 'nosniff',
  // `?token=` must not travel to other sites in a Referer header.
  'Referrer-Policy': 'no-referrer'
}

/** What the cookie stores for a token: an HMAC keyed by the token. */
export function cookieValue (token: string): string {
  return createHmac('sha256', token).update('schema-sentinel status page').digest('hex')
}

function readCookie (header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=')
    if (key === name) return rest.join('=')
  }
  return undefined
}

type Access = { details: boolean, rejected: boolean }

function access (expected: string | undefined, req: FastifyRequest): Access {
  if (expected === undefined) return { details: true, rejected: false }
  const query = (req.query as Record<string, unknown> | undefined)?.token
  const given = bearerToken(req.headers.authorization) ?? (typeof query === 'string' ? query : undefined)
  if (given !== undefined) {
    const ok = tokenMatches(expected, given)
    return { details: ok, rejected: !ok }
  }
  const cookie = readCookie(req.headers.cookie, STATUS_COOKIE)
  if (cookie !== undefined) {
    const ok = tokenMatches(cookieValue(expected), cookie)
    return { details: ok, rejected: !ok }
  }
  return { details: false, rejected: false }
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

  app.get('/', async (req, reply) => page(reply, access(opts.healthToken, req)))

  app.post('/', { bodyLimit: FORM_BODY_LIMIT }, async (req, reply) => {
    const expected = opts.healthToken
    const token = (req.body as Record<string, unknown> | undefined)?.token
    if (expected === undefined) return reply.redirect('/', 303)
    if (typeof token !== 'string' || !tokenMatches(expected, token)) return page(reply, { details: false, rejected: true })
    const secure = req.protocol === 'https' || req.headers['x-forwarded-proto'] === 'https'
    const cookie = `${STATUS_COOKIE}=${cookieValue(expected)}; Path=/; Max-Age=${COOKIE_MAX_AGE_S}; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`
    return reply.header('Set-Cookie', cookie).redirect('/', 303)
  })
}
