// pino JSON logs to stderr-free stdout. Every string that could carry a secret is redacted
// by a formatter hook, so no code path can log the password by accident.
import pino, { type Logger } from 'pino'
import { redact } from './redact.js'

export function createLogger (level: string, secrets: readonly string[], destination?: pino.DestinationStream): Logger {
  const clean = (value: unknown): unknown => {
    if (typeof value === 'string') return redact(value, secrets)
    if (value instanceof Error) return { type: value.name, message: redact(value.message, secrets) }
    if (Array.isArray(value)) return value.map(clean)
    if (value !== null && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, clean(v)]))
    }
    return value
  }
  return pino({
    level,
    base: { name: 'schema-sentinel' },
    formatters: { log: (obj) => clean(obj) as Record<string, unknown> },
    hooks: {
      logMethod (args, method) {
        const [first, ...rest] = args as unknown[]
        method.apply(this, [clean(first), ...rest.map(clean)] as Parameters<typeof method>)
      }
    }
  }, destination)
}
