// Bearer tokens compared in constant time: both sides are hashed first, so neither
// the content nor the length of the expected token leaks through timing.
import { createHash, timingSafeEqual } from 'node:crypto'

const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest()

/** The token of an `Authorization: Bearer <token>` header (scheme case-insensitive). */
export function bearerToken (header: string | string[] | undefined): string | undefined {
  const value = Array.isArray(header) ? header[0] : header
  if (value === undefined) return undefined
  const match = /^bearer[ \t]+(\S+)[ \t]*$/i.exec(value)
  return match?.[1]
}

/** Constant-time comparison of a token from any source (header, query, cookie). */
export function tokenMatches (expected: string, given: string): boolean {
  return timingSafeEqual(digest(given), digest(expected))
}

/**
 * A token check for one expected token, for routes that ask on every request. Hashing each
 * given token cost a health check about a quarter of its time (OpenSSL digest setup per call);
 * instead the token is written into a fixed-width buffer and compared over the whole width in
 * constant time, then the lengths: the time depends on neither the expected token's content
 * nor its length (beyond whether it exceeds the width). The buffer is reused: requests are
 * answered one at a time, and this is synchronous.
 */
export function authorizer (expected: string | undefined): (header: string | string[] | undefined) => boolean {
  if (expected === undefined) return () => true
  const want = Buffer.from(expected, 'utf8')
  const width = Math.max(256, want.length)
  const padded = Buffer.alloc(width)
  want.copy(padded)
  const given = Buffer.alloc(width)
  return (header) => {
    const token = bearerToken(header)
    if (token === undefined) return false
    given.fill(0)
    given.write(token, 'utf8')
    return timingSafeEqual(given, padded) && Buffer.byteLength(token, 'utf8') === want.length
  }
}
