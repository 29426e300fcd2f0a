// `heads`: the expected heads of the version locations, one per line, as
// `alembic heads --resolve-dependencies` prints them. Needs no database; bakes
// EXPECTED_REVISION into an image at build time. `--check` is for CI: several heads and no
// merge (two developers' migrations on one parent) exit 1 with the `alembic merge` to run.
import { loadVersions } from '../alembic/load.js'
import { describeWarning } from '../alembic/warnings.js'
import type { Config } from '../config.js'
import { ConfigError } from '../errors.js'

export interface HeadsRun {
  readonly stdout: string
  /** Lines for stderr: warnings, loose scripts, several heads. */
  readonly notes: readonly string[]
  readonly exitCode: 0 | 1
}

export async function runHeads (config: Config, opts: { check?: boolean } = {}): Promise<HeadsRun> {
  const versions = await loadVersions({ configFile: config.alembicConfig, versionsDirs: config.alembicVersionsDirs })
  if (versions === undefined) throw new ConfigError('--versions-dir or --alembic-config', 'is required (or set ALEMBIC_VERSIONS_DIR or ALEMBIC_CONFIG)')
  const { graph } = versions
  const stdout = graph.heads().map((h) => `${h}\n`).join('')
  const notes = versions.warnings.map((w) => `warning: ${describeWarning(w)}`)
  for (const file of versions.looseScripts) notes.push(`warning: ${file}: no revision in this file; Alembic refuses to load it (loose script)`)
  if (!graph.hasMultipleHeads()) return { stdout, notes, exitCode: 0 }
  const unmerged = graph.versionedHeads()
  const merge = `alembic merge heads -m "merge heads ${unmerged.join(' and ')}"`
  if (opts.check === true) {
    notes.push(`${unmerged.length} heads without a merge (${unmerged.join(', ')}); alembic upgrade head would refuse them. Merge them: ${merge}`)
    return { stdout, notes, exitCode: 1 }
  }
  notes.push(`note: ${unmerged.length} heads without a merge; alembic upgrade head would refuse them (${merge})`)
  return { stdout, notes, exitCode: 0 }
}
