// One root for every error the CLI turns into exit code 2 and one line. Subclasses carry their
// facts as fields and build their own message from them: callers and tests read the fields,
// never the text.
//
// "Could not check" has one convention: a check that cannot do its job throws (one of these,
// or the database's own error); the round runner turns that into an `errored` result (a `fail`
// counted in check_errors_total), and `check` exits 2 when any result errored.
export class SentinelError extends Error {
  override name = 'SentinelError'
  constructor (message: string, options?: { cause?: unknown }) {
    super(message, options)
  }
}

/** A bad environment variable or CLI flag (`variable` as the user spelled it). The value is never quoted for secrets. */
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

/** The database could not be reached or refused us while doing `action`; `reason` is already redacted. */
export class DatabaseError extends SentinelError {
  override name = 'DatabaseError' as const
  constructor (readonly action: string, readonly reason: string, options?: { cause?: unknown }) {
    super(`cannot ${action}: ${reason}`, options)
  }
}

/** The service could not listen on its address; `code` is the system's (EADDRINUSE, EACCES, …). */
export class ListenError extends SentinelError {
  override name = 'ListenError' as const
  constructor (readonly host: string, readonly port: number, readonly code: string, options?: { cause?: unknown }) {
    super(`cannot listen on ${host}:${port}: ${code}`, options)
  }
}

/** A list of checks that cannot be a registry: `check` is the name at fault. */
export class RegistryError extends SentinelError {
  override name = 'RegistryError' as const
  constructor (readonly check: string, readonly problem: 'registered_twice' | 'name_not_area_what' | 'metric_family_twice', readonly family?: string) {
    super(problem === 'registered_twice'
      ? `check ${check} is registered twice`
      : problem === 'name_not_area_what'
        ? `check name "${check}" must look like area:what (lower case, digits, _)`
        : `check ${check} brings the metric family ${family ?? '?'}, which another check or the round already has`)
  }
}

export function isSentinelError (err: unknown): err is SentinelError {
  return err instanceof SentinelError
}
