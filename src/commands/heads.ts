// `heads`: the expected heads of a versions directory, one per line, as
// `alembic heads --resolve-dependencies` prints them. Needs no database; bakes
// EXPECTED_REVISION into an image at build time.
import { readVersionsDir } from '../alembic/versions-dir.js'
import type { Config } from '../config.js'
import { ConfigError } from '../errors.js'

export interface HeadsRun {
  readonly stdout: string
  /** A remark for stderr (several heads without a merge); the exit code stays 0. */
  readonly note?: string
}

export async function runHeads (config: Config): Promise<HeadsRun> {
  if (config.alembicVersionsDir === undefined) throw new ConfigError('--versions-dir', 'is required (or set ALEMBIC_VERSIONS_DIR)')
  const graph = await readVersionsDir(config.alembicVersionsDir)
  const heads = graph.heads()
  const stdout = heads.map((h) => `${h}\n`).join('')
  if (!graph.hasMultipleHeads()) return { stdout }
  return { stdout, note: `note: ${graph.versionedHeads().length} heads without a merge; alembic upgrade head would refuse them (alembic merge heads)` }
}
