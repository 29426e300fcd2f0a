// Typed errors of alembic.ini (ALEMBIC_CONFIG / --alembic-config): each names the file and,
// where there is one, the key and line, and builds its own message from those facts.
import { AlembicError } from './errors.js'

export abstract class AlembicConfigError extends AlembicError {
  override name: string = 'AlembicConfigError'
  constructor (readonly file: string, readonly key: string | undefined, problem: string, options?: { cause?: unknown }) {
    super(`${file}: ${key !== undefined ? `${key}: ` : ''}${problem}`, options)
  }
}

/** The file itself: missing, a folder, unreadable. */
export class AlembicConfigUnreadableError extends AlembicConfigError {
  override name = 'AlembicConfigUnreadableError' as const
  constructor (file: string, readonly problem: 'missing' | 'directory' | 'permission' | 'too_large' | 'other', readonly code?: string, options?: { cause?: unknown, bytes?: number, limit?: number }) {
    super(file, undefined, {
      missing: 'no such file (ALEMBIC_CONFIG / --alembic-config names the alembic.ini)',
      directory: 'is a directory; ALEMBIC_CONFIG / --alembic-config names the alembic.ini file',
      permission: 'permission denied reading the file',
      too_large: `is ${options?.bytes ?? '?'} bytes, over the ${options?.limit ?? '?'} byte limit for an alembic.ini`,
      other: `cannot read the file (${code ?? 'error'})`
    }[problem], options)
  }
}

/** What Python's configparser refuses, with the line. */
export class AlembicIniSyntaxError extends AlembicConfigError {
  override name = 'AlembicIniSyntaxError' as const
  constructor (file: string, readonly line: number, readonly problem: 'no_section_header' | 'duplicate_section' | 'duplicate_option' | 'not_an_option', readonly what?: string) {
    super(file, undefined, `line ${line}: ${{
      no_section_header: 'a setting before any [section] header',
      duplicate_section: `section [${what ?? ''}] appears twice`,
      duplicate_option: `${what ?? ''} is set twice in its section`,
      not_an_option: 'is neither a [section], a key = value line nor a comment'
    }[problem]}`)
  }
}

export class AlembicSectionMissingError extends AlembicConfigError {
  override name = 'AlembicSectionMissingError' as const
  constructor (file: string, readonly section: string) {
    super(file, undefined, `has no [${section}] section`)
  }
}

/** A key Alembic needs is absent (script_location). */
export class AlembicKeyMissingError extends AlembicConfigError {
  override name = 'AlembicKeyMissingError' as const
  constructor (file: string, key: string) {
    super(file, key, 'is missing from the [alembic] section')
  }
}

/** A %(name)s that configparser could not substitute. */
export class AlembicInterpolationError extends AlembicConfigError {
  override name = 'AlembicInterpolationError' as const
  constructor (file: string, key: string, readonly problem: 'missing_name' | 'bad_syntax' | 'too_deep', readonly reference?: string) {
    super(file, key, {
      missing_name: `refers to %(${reference ?? ''})s, which is not set (only %(here)s and keys of [alembic] or [DEFAULT] are)`,
      bad_syntax: "has a % that is not %(name)s or %% (configparser's interpolation)",
      too_deep: 'nests %(name)s references more than 10 deep'
    }[problem])
  }
}

/** A value outside what Alembic accepts for the key (version_path_separator = tab). */
export class AlembicBadValueError extends AlembicConfigError {
  override name = 'AlembicBadValueError' as const
  constructor (file: string, key: string, readonly value: string, readonly expected: string) {
    super(file, key, `"${value}" is not valid (expected ${expected})`)
  }
}

/** `myapp:migrations`: Alembic imports the package to find the folder; we read files only. */
export class PackageLocationError extends AlembicConfigError {
  override name = 'PackageLocationError' as const
  constructor (file: string, key: string, readonly value: string) {
    super(file, key, `"${value}" is a Python package location, which Alembic imports; schema-sentinel reads files only: set ALEMBIC_VERSIONS_DIR (or --versions-dir) to the versions folder(s)`)
  }
}

/** A script or version location that does not exist where Alembic would look. */
export class AlembicLocationMissingError extends AlembicConfigError {
  override name = 'AlembicLocationMissingError' as const
  constructor (file: string, key: string, readonly path: string, readonly problem: 'missing' | 'not_directory', readonly relativeTo?: string) {
    super(file, key, `${path} ${problem === 'missing' ? 'does not exist' : 'is not a directory'}` +
      (relativeTo !== undefined ? ` (a relative path is resolved from the current directory ${relativeTo}, as Alembic does; write %(here)s/… to mean the ini file's folder)` : ''))
  }
}
