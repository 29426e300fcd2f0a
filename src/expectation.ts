// What the deployed code expects, loaded once at start: the manifest and the revision graph.
import type { RevisionGraph } from './alembic/graph.js'
import { readVersionsDir } from './alembic/versions-dir.js'
import type { Config } from './config.js'
import type { ExpectedSchema } from './schema/expected.js'
import { loadManifest } from './schema/manifest.js'

export type {
  ExpectedCheck, ExpectedColumn, ExpectedEnum, ExpectedForeignKey, ExpectedIndex, ExpectedKey, ExpectedSchema, ExpectedTable, FkAction
} from './schema/expected.js'

export interface ExpectedHeads {
  readonly source: 'EXPECTED_REVISION' | 'ALEMBIC_VERSIONS_DIR' | 'manifest'
  readonly revisions: readonly string[]
}

export interface Expectation {
  readonly schema?: ExpectedSchema
  readonly heads?: ExpectedHeads
  readonly graph?: RevisionGraph
}

/** Reads the manifest and the versions directory; their errors are SentinelErrors (exit 2). */
export async function loadExpectation (config: Config): Promise<Expectation> {
  const schema = config.expectedSchema !== undefined ? await loadManifest(config.expectedSchema) : undefined
  const graph = config.alembicVersionsDir !== undefined ? await readVersionsDir(config.alembicVersionsDir) : undefined
  return Object.freeze({ schema, graph, heads: chooseHeads(config, graph, schema) })
}

/** EXPECTED_REVISION, else the versions directory's heads, else the manifest's alembic.heads. */
function chooseHeads (config: Config, graph: RevisionGraph | undefined, schema: ExpectedSchema | undefined): ExpectedHeads | undefined {
  if (config.expectedRevision !== undefined) return { source: 'EXPECTED_REVISION', revisions: config.expectedRevision }
  if (graph !== undefined) return { source: 'ALEMBIC_VERSIONS_DIR', revisions: graph.heads() }
  if (schema?.alembicHeads !== undefined) return { source: 'manifest', revisions: schema.alembicHeads }
  return undefined
}
