// Turns any database error into one safe line: error class, SQLSTATE or errno, no secrets.
import { redact } from '../redact.js'
import { escapeControls } from '../render/escape.js'

const NETWORK_CODES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ETIMEDOUT: 'connection timed out',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  EPIPE: 'connection closed'
}

export function describeError (err: unknown, secrets: readonly string[] = []): string {
  if (!(err instanceof Error)) return redact(String(err), secrets)
  const e = err as Error & { code?: string, errno?: number }
  const code = typeof e.code === 'string' ? e.code : undefined
  let text: string
  if (code !== undefined && /^[0-9A-Z]{5}$/.test(code) && !code.startsWith('E')) {
    text = `${e.message} (SQLSTATE ${code})`
  } else if (code !== undefined && NETWORK_CODES[code] !== undefined) {
    text = `${NETWORK_CODES[code]} (${code})`
  } else if (code !== undefined && /^(ERR_TLS|UNABLE_TO|DEPTH_ZERO|SELF_SIGNED|CERT_)/.test(code)) {
    text = `TLS: ${e.message} (${code})`
  } else {
    text = e.message || e.name
  }
  // AggregateError from a host with several addresses: the first says enough.
  if (text === '' && err instanceof AggregateError && err.errors[0] !== undefined) return describeError(err.errors[0], secrets)
  // Server messages quote names: one line, and no control character from the database.
  return escapeControls(redact(text.replace(/\s+/g, ' ').trim(), secrets))
}
