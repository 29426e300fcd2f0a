// One root for every error the CLI turns into exit code 2 and one line.
// Subclasses carry their facts as fields and build their own message from them.
export class SentinelError extends Error {
  override name = 'SentinelError'
  constructor (message: string, options?: { cause?: unknown }) {
    super(message, options)
  }
}

/** A bad environment variable or CLI flag. The value is never quoted for secrets. */
export class ConfigError extends SentinelError {
  override name = 'ConfigError' as const
  constructor (readonly variable: string, readonly problem: string) {
    super(`${variable}: ${problem}`)
  }
}

/** A manifest that cannot be read or does not match the format. */
export class ManifestError extends SentinelError {
  override name = 'ManifestError' as const
  constructor (readonly file: string, readonly at: string, readonly problem: string, options?: { cause?: unknown }) {
    super(`${file}${at ? ` at ${at}` : ''}: ${problem}`, options)
  }
}

// Alembic's errors (alembic.ini, version locations, revision files) are in alembic/errors.ts
// and alembic/config-errors.ts.

/** The database could not be reached or refused us; the message is already redacted. */
export class DatabaseError extends SentinelError {
  override name = 'DatabaseError' as const
  constructor (message: string, options?: { cause?: unknown }) {
    super(message, options)
  }
}

export function isSentinelError (err: unknown): err is SentinelError {
  return err instanceof SentinelError
}
