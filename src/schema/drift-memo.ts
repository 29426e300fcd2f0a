// Last round's result for each live table, kept while the table's digest is unchanged: after the
// first round, a round reads one digest per table and compares only the tables that changed, so
// a steady round allocates kilobytes where it allocated one object per column.
import type { Config } from '../config.js'
import type { ExpectedSchema } from './expected.js'
import type { SchemaDiff, TableDrift } from './diff.js'

export interface Remembered {
  readonly hash: string
  readonly drift: TableDrift
}

export class DriftMemo {
  #byKey: ReadonlyMap<string, Remembered> = new Map()

  constructor (readonly diff: SchemaDiff, readonly config: Config) {}

  /** Whether this memo was made for this manifest and configuration (a result depends on both). */
  fits (expected: ExpectedSchema, config: Config): boolean {
    return this.diff.expected === expected && this.config === config
  }

  get size (): number {
    return this.#byKey.size
  }

  /** Last round's result for the table, if its digest is still `hash`. */
  get (key: string, hash: string): TableDrift | undefined {
    const known = this.#byKey.get(key)
    return known?.hash === hash ? known.drift : undefined
  }

  /** Replaces everything with a finished round's tables (dropped tables are forgotten). */
  replace (next: ReadonlyMap<string, Remembered>): void {
    this.#byKey = next
  }
}
