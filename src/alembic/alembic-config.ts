// alembic.ini -> where the revision files are, as Alembic's Config and ScriptDirectory.from_config
// find them: script_location (or its versions/ folder), version_locations split on
// path_separator / version_path_separator (legacy: spaces and commas), and the
// recursive_version_locations and sourceless switches. Relative paths are taken from the
// current directory, as Alembic takes them; %(here)s is the ini file's folder.
import { delimiter, dirname, isAbsolute, resolve } from 'node:path'
import { AlembicBadValueError, AlembicConfigUnreadableError, AlembicKeyMissingError, AlembicSectionMissingError, PackageLocationError } from './config-errors.js'
import { parseIni, type Ini } from './ini.js'
import { readBounded } from './read-bounded.js'
import type { AlembicWarning } from './warnings.js'

export const SECTION = 'alembic'
const SEPARATORS: Readonly<Record<string, string>> = { space: ' ', newline: '\n', os: delimiter, ':': ':', ';': ';' }
// Alembic's _split_on_space_comma, used when no separator is configured.
const LEGACY_SPLIT = /, *|(?: +)/
/** An ini file larger than this is not an alembic.ini. */
const MAX_INI_BYTES = 1024 * 1024

export interface LocationSource {
  /** The ini file and key that named this location. */
  readonly file: string
  readonly key: 'script_location' | 'version_locations'
  /** Written as a relative path: the current directory it was resolved from. */
  readonly relativeTo?: string
}

export interface VersionLocation {
  /** Absolute path. */
  readonly path: string
  /** Where it was named; absent for ALEMBIC_VERSIONS_DIR / --versions-dir. */
  readonly source?: LocationSource
}

export interface AlembicSettings {
  readonly file: string
  /** Absent when `locations: false` was asked (ALEMBIC_VERSIONS_DIR replaces them). */
  readonly locations?: readonly VersionLocation[]
  readonly recursive: boolean
  readonly sourceless: boolean
  readonly warnings: readonly AlembicWarning[]
}

export interface ReadOptions {
  /** Resolve script_location / version_locations (false when ALEMBIC_VERSIONS_DIR overrides them). */
  readonly locations: boolean
  /** The directory relative paths are taken from (Alembic's: the current one). */
  readonly cwd?: string
}

export async function readAlembicConfig (file: string, opts: ReadOptions): Promise<AlembicSettings> {
  const cwd = opts.cwd ?? process.cwd()
  let read
  try {
    read = await readBounded(resolve(cwd, file), MAX_INI_BYTES)
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    const problem = code === 'ENOENT' || code === 'ENOTDIR' ? 'missing' : code === 'EISDIR' ? 'directory' : code === 'EACCES' || code === 'EPERM' ? 'permission' : 'other'
    throw new AlembicConfigUnreadableError(file, problem, code, { cause: err })
  }
  if (!read.ok) {
    if (read.problem === 'not_a_file') throw new AlembicConfigUnreadableError(file, 'other', 'not a regular file')
    throw new AlembicConfigUnreadableError(file, 'too_large', undefined, { bytes: read.bytes, limit: MAX_INI_BYTES })
  }
  const text = read.data.toString('utf8')
  const here = dirname(resolve(cwd, file))
  const ini = parseIni(text, file, { here })
  if (!ini.has(SECTION)) throw new AlembicSectionMissingError(file, SECTION)

  const warnings: AlembicWarning[] = []
  const flag = (key: string): boolean => {
    const value = ini.get(SECTION, key)
    if (value !== undefined && value !== 'true' && /^(true|yes|on|1)$/i.test(value)) {
      warnings.push({ kind: 'boolean_not_true', file, line: ini.lineOf(SECTION, key), key, value })
    }
    return value === 'true'
  }
  const recursive = flag('recursive_version_locations')
  const sourceless = flag('sourceless')
  const locations = opts.locations ? versionLocations(ini, cwd) : undefined
  return Object.freeze({ file, locations, recursive, sourceless, warnings: Object.freeze(warnings) })
}

function versionLocations (ini: Ini, cwd: string): VersionLocation[] {
  const file = ini.file
  const listed = ini.get(SECTION, 'version_locations')
  if (listed !== undefined && listed !== '') {
    return splitLocations(ini, listed).map((p) => ({ path: toPath(file, 'version_locations', p, cwd), source: { file, key: 'version_locations', ...relativeTo(p, cwd) } }))
  }
  const script = ini.get(SECTION, 'script_location')
  if (script === undefined) throw new AlembicKeyMissingError(file, 'script_location')
  return [{ path: resolve(toPath(file, 'script_location', script, cwd), 'versions'), source: { file, key: 'script_location', ...relativeTo(script, cwd) } }]
}

const relativeTo = (written: string, cwd: string): { relativeTo?: string } => isAbsolute(written) ? {} : { relativeTo: cwd }

/** Config.get_version_locations_list: path_separator first, then version_path_separator. */
export function splitLocations (ini: Ini, value: string): string[] {
  for (const key of ['path_separator', 'version_path_separator']) {
    const name = ini.get(SECTION, key)
    if (name === undefined) continue
    const sep = SEPARATORS[name]
    if (sep === undefined) throw new AlembicBadValueError(ini.file, key, name, "space, newline, os, ':' or ';'")
    return value.split(sep).filter((x) => x !== '').map((x) => x.trim())
  }
  // Without a separator Alembic splits on spaces and commas only: a line break stays in the path.
  if (value.includes('\n')) throw new AlembicBadValueError(ini.file, 'version_locations', value.replace(/\n/g, '\\n'), 'one line, or path_separator = newline for one folder per line')
  return value.split(LEGACY_SPLIT)
}

/** coerce_resource_to_filename, then os.path.abspath: a relative name with a colon is a package. */
function toPath (file: string, key: string, value: string, cwd: string): string {
  if (value === '') throw new AlembicBadValueError(file, key, value, 'a folder; an empty entry (a stray comma or space?) would be the current directory')
  if (!isAbsolute(value) && value.includes(':')) throw new PackageLocationError(file, key, value)
  return resolve(cwd, value)
}
