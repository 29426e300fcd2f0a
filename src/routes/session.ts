// Status-page sessions. The cookie holds a random id and an expiry, tied to the token by an HMAC
// whose key is a secret of this process mixed with the token: it is not the token, nor a fixed
// function of it (a stolen cookie lapses, and cannot be used to test guesses of a weak token
// offline), it dies with a token rotation or a restart, and it is no bearer token for /health.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'

export const SESSION_TTL_S = 12 * 3600

const PROCESS_SECRET = randomBytes(32)
const FORMAT = /^(\d{1,12})\.([A-Za-z0-9_-]{24})\.([A-Za-z0-9_-]{43})$/

function tag (token: string, payload: string): Buffer {
  const key = createHmac('sha256', PROCESS_SECRET).update(token, 'utf8').digest()
  return createHmac('sha256', key).update(payload).digest()
}

/** `<expiry>.<random id>.<hmac>`, good for SESSION_TTL_S from `now`. */
export function issueSession (token: string, now = Date.now()): string {
  const payload = `${Math.floor(now / 1000) + SESSION_TTL_S}.${randomBytes(18).toString('base64url')}`
  return `${payload}.${tag(token, payload).toString('base64url')}`
}

/** Whether the cookie value is a session this process issued for this token, not yet expired. */
export function sessionValid (token: string, value: string, now = Date.now()): boolean {
  const match = FORMAT.exec(value)
  if (match === null) return false
  const given = Buffer.from(match[3]!, 'base64url')
  const ok = timingSafeEqual(given, tag(token, `${match[1]}.${match[2]}`))
  return ok && Number(match[1]) * 1000 > now
}
