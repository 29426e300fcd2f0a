// Last round's result for each live table, kept while the table's digest is unchanged: after the
// first round, a round reads one digest per table and compares only the tables that changed, so
// a steady round allocates kilobytes where it allocated one object per column. One memo belongs
// to one prepared drift check (one manifest, one configuration), which holds it in its closure.
import type { TableDrift } from './diff.js'

export interface Remembered {
  readonly hash: string
  readonly drift: TableDrift
}

export class DriftMemo {
  #byKey: ReadonlyMap<string, Remembered> = new Map()

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
