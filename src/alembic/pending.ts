// The revisions a `behind` database still needs, in upgrade order, each with the risky
// operations of its upgrade(): what `check` and the health details show before an upgrade.
import type { RevisionGraph } from './graph.js'
import type { RiskyOp } from './upgrade-ops.js'

export interface PendingRevision {
  readonly revision: string
  readonly file?: string
  /** Present when upgrade() has something risky. */
  readonly risks?: readonly RiskyOp[]
}

export interface Pending {
  readonly revisions: readonly PendingRevision[]
  /** Operations that destroy or rewrite data: take a backup first. */
  readonly destructive: number
  /** Operations PostgreSQL refuses inside the migration's transaction. */
  readonly failing: number
}

export function pendingRevisions (graph: RevisionGraph, database: readonly string[], expected: readonly string[]): Pending {
  let destructive = 0
  let failing = 0
  const revisions = graph.upgradeOrder(database, expected).map((revision) => {
    const file = graph.fileOf(revision)
    const risks = graph.risksOf(revision)
    for (const r of risks) {
      if (r.destructive) destructive++
      else failing++
    }
    return { revision, ...(file !== undefined ? { file } : {}), ...(risks.length > 0 ? { risks } : {}) }
  })
  return { revisions, destructive, failing }
}
