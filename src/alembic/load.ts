// Where the expected revisions come from: ALEMBIC_VERSIONS_DIR (one or more folders), or the
// locations alembic.ini names (ALEMBIC_CONFIG). Given both, the folders replace the ini's
// locations while its recursive_version_locations and sourceless switches still apply: that
// is how a package script_location (`myapp:migrations`) is read.
import { readAlembicConfig, type AlembicSettings, type VersionLocation } from './alembic-config.js'
import { readVersions, type VersionScripts } from './versions-dir.js'

export interface VersionsSource {
  /** alembic.ini (ALEMBIC_CONFIG / --alembic-config). */
  readonly configFile?: string
  /** Folders (ALEMBIC_VERSIONS_DIR / --versions-dir, comma-separated there). */
  readonly versionsDirs?: readonly string[]
  /** Where relative paths in alembic.ini start (default: the current directory, as Alembic). */
  readonly cwd?: string
}

export interface LoadedVersions extends VersionScripts {
  readonly source: 'ALEMBIC_VERSIONS_DIR' | 'ALEMBIC_CONFIG'
}

/** undefined when neither is configured. Throws AlembicError subclasses (exit 2). */
export async function loadVersions (from: VersionsSource): Promise<LoadedVersions | undefined> {
  if (from.configFile === undefined && from.versionsDirs === undefined) return undefined
  let settings: AlembicSettings | undefined
  if (from.configFile !== undefined) {
    settings = await readAlembicConfig(from.configFile, { locations: from.versionsDirs === undefined, ...(from.cwd !== undefined ? { cwd: from.cwd } : {}) })
  }
  const locations: readonly VersionLocation[] = from.versionsDirs?.map((path) => ({ path })) ?? settings!.locations!
  const scripts = await readVersions(locations, { recursive: settings?.recursive ?? false, sourceless: settings?.sourceless ?? false })
  return Object.freeze({
    ...scripts,
    warnings: Object.freeze([...(settings?.warnings ?? []), ...scripts.warnings]),
    source: from.versionsDirs !== undefined ? 'ALEMBIC_VERSIONS_DIR' : 'ALEMBIC_CONFIG'
  })
}
