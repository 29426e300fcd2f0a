// What the deployed code expects, loaded once at start: the manifest and the revision graph.
import type { Config } from './config.js'

export interface ExpectedColumn {
  readonly type?: string
  readonly nullable?: boolean
  /** `null` means "must have no default"; absent means "not checked". */
  readonly default?: string | null
}

export interface ExpectedTable {
  readonly schema: string
  readonly name: string
  readonly columns: ReadonlyMap<string, ExpectedColumn>
}

export interface ExpectedSchema {
  readonly file: string
  readonly tables: readonly ExpectedTable[]
  readonly alembicHeads?: readonly string[]
}

export interface ExpectedHeads {
  readonly source: 'EXPECTED_REVISION' | 'ALEMBIC_VERSIONS_DIR' | 'manifest'
  readonly revisions: readonly string[]
}

export interface Expectation {
  readonly schema?: ExpectedSchema
  readonly heads?: ExpectedHeads
  // issue B adds the revision graph here
}

export async function loadExpectation (config: Config): Promise<Expectation> {
  const heads: ExpectedHeads | undefined = config.expectedRevision !== undefined
    ? { source: 'EXPECTED_REVISION', revisions: config.expectedRevision }
    : undefined
  return Object.freeze({ heads })
}
