// What one prepared drift check remembers between rounds (one manifest, one configuration; the
// check holds it in its closure):
// - the last round's outcome and the catalog fingerprint it was read under (fingerprint.ts): a
//   round whose fingerprint is the same reuses that outcome and reads nothing else;
// - each live table's digest and result: when the fingerprint did change, a round reads one
//   digest per table and compares only the tables whose digest changed.
import type { TableDrift } from './diff.js'

export interface Remembered {
  readonly hash: string
  readonly drift: TableDrift
}

/**
 * However quiet the catalog, the tables' digests are read again after this long: a bound on how
 * long a change could stay unseen if some way of changing the catalog escaped the fingerprint.
 */
export const VERIFY_EVERY_MS = 15 * 60_000

export class DriftMemo<R> {
  #byKey: ReadonlyMap<string, Remembered> = new Map()
  #last: { readonly fingerprint: string, readonly result: R, readonly readAt: number } | undefined

  get size (): number {
    return this.#byKey.size
  }

  /** Last round's result for the table, if its digest is still `hash`. */
  get (key: string, hash: string): TableDrift | undefined {
    const known = this.#byKey.get(key)
    return known?.hash === hash ? known.drift : undefined
  }

  /** The last round's result, if it was read under this fingerprint not too long ago. */
  reuse (fingerprint: string, now: number): R | undefined {
    const last = this.#last
    if (last === undefined || last.fingerprint !== fingerprint || now - last.readAt >= VERIFY_EVERY_MS) return undefined
    return last.result
  }

  /** Replaces everything with a finished round's read: its tables (dropped ones are forgotten) and its result. */
  replace (next: ReadonlyMap<string, Remembered>, fingerprint: string, result: R, readAt: number): void {
    this.#byKey = next
    this.#last = { fingerprint, result, readAt }
  }
}
