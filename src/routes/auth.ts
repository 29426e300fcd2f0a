// Bearer tokens compared in constant time: both sides are hashed first, so neither
// the content nor the length of the expected token leaks through timing.
import { createHash, hash, timingSafeEqual } from 'node:crypto'

// crypto.hash (Node >= 20.12) is one call and makes no Hash object: a request with a token
// spends a few microseconds less, on a route that may be asked thousands of times a second.
const digest: (s: string) => Buffer = typeof hash === 'function'
  ? (s) => hash('sha256', s, 'buffer') as unknown as Buffer
  : (s) => createHash('sha256').update(s, 'utf8').digest()

/** The token of an `Authorization: Bearer <token>` header (scheme case-insensitive). */
export function bearerToken (header: string | string[] | undefined): string | undefined {
  const value = Array.isArray(header) ? header[0] : header
  if (value === undefined) return undefined
  const match = /^bearer[ \t]+(\S+)[ \t]*$/i.exec(value)
  return match?.[1]
}

/** True when no token is configured, or the request carries the right one. */
export function authorized (expected: string | undefined, header: string | string[] | undefined): boolean {
  if (expected === undefined) return true
  const given = bearerToken(header)
  if (given === undefined) return false
  return tokenMatches(expected, given)
}

/** Constant-time comparison of a token from any source (header, query, cookie). */
export function tokenMatches (expected: string, given: string): boolean {
  return timingSafeEqual(digest(given), digest(expected))
}

/** `authorized` for one expected token, whose digest is computed once (routes ask on every request). */
export function authorizer (expected: string | undefined): (header: string | string[] | undefined) => boolean {
  if (expected === undefined) return () => true
  const want = digest(expected)
  return (header) => {
    const given = bearerToken(header)
    return given !== undefined && timingSafeEqual(digest(given), want)
  }
}
