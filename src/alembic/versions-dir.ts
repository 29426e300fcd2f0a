// STUB (issue B replaces this): reads an Alembic versions directory statically.
import { VersionsDirError } from '../errors.js'
import type { RevisionGraph } from './graph.js'

export async function readVersionsDir (dir: string): Promise<RevisionGraph> {
  throw new VersionsDirError(dir, 'reading a versions directory is not implemented yet')
}
