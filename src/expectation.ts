// What the deployed code expects, loaded once at start: the manifest and the revision graph.
import type { RevisionGraph } from './alembic/graph.js'
import { loadVersions } from './alembic/load.js'
import type { AlembicWarning } from './alembic/warnings.js'
import type { Config } from './config.js'
import type { ExpectedSchema } from './schema/expected.js'
import { loadManifest } from './schema/manifest.js'

export type {
  ExpectedCheck, ExpectedColumn, ExpectedEnum, ExpectedForeignKey, ExpectedIndex, ExpectedKey, ExpectedSchema, ExpectedTable, FkAction
} from './schema/expected.js'

export interface ExpectedHeads {
  readonly source: 'EXPECTED_REVISION' | 'ALEMBIC_VERSIONS_DIR' | 'ALEMBIC_CONFIG' | 'manifest'
  readonly revisions: readonly string[]
}

export interface Expectation {
  readonly schema?: ExpectedSchema
  readonly heads?: ExpectedHeads
  readonly graph?: RevisionGraph
  /** What reading the version locations found beside the graph. */
  readonly versions?: {
    /** .py files without a revision, which Alembic refuses to load. */
    readonly looseScripts: readonly string[]
    /** Oddities that leave the heads right (an unreadable branch label nothing refers to…). */
    readonly warnings: readonly AlembicWarning[]
  }
}

/** Reads the manifest and the versions directory; their errors are SentinelErrors (exit 2). */
export async function loadExpectation (config: Config): Promise<Expectation> {
  const schema = config.expectedSchema !== undefined ? await loadManifest(config.expectedSchema) : undefined
  const loaded = await loadVersions({ configFile: config.alembicConfig, versionsDirs: config.alembicVersionsDirs })
  const graph = loaded?.graph
  const versions = loaded !== undefined ? { looseScripts: loaded.looseScripts, warnings: loaded.warnings } : undefined
  const heads = chooseHeads(config, loaded === undefined ? undefined : { graph: loaded.graph, source: loaded.source }, schema)
  return Object.freeze({ schema, graph, heads, ...(versions !== undefined ? { versions } : {}) })
}

/** EXPECTED_REVISION, else the version locations' heads, else the manifest's alembic.heads. */
function chooseHeads (config: Config, versions: { graph: RevisionGraph, source: ExpectedHeads['source'] } | undefined, schema: ExpectedSchema | undefined): ExpectedHeads | undefined {
  if (config.expectedRevision !== undefined) return { source: 'EXPECTED_REVISION', revisions: config.expectedRevision }
  if (versions !== undefined) return { source: versions.source, revisions: versions.graph.heads() }
  if (schema?.alembicHeads !== undefined) return { source: 'manifest', revisions: schema.alembicHeads }
  return undefined
}
