// Where the database's revisions stand against the expected heads. Pure: sets in, state out.
import type { RevisionGraph } from './graph.js'

export type Comparison =
  | { readonly state: 'current' }
  | { readonly state: 'behind', readonly pending: number }
  /** `revision` descends from the expected head `head`. */
  | { readonly state: 'ahead', readonly revision: string, readonly head: string }
  /** `revision` is in the graph but on no line through the expected heads. */
  | { readonly state: 'diverged', readonly revision: string }
  | { readonly state: 'unknown', readonly reason: 'database_not_in_graph' | 'expected_not_in_graph', readonly revision: string }
  | { readonly state: 'unknown', readonly reason: 'no_graph' }

/**
 * Compares two non-empty revision sets. Without a graph only equality can be told.
 * With several database revisions the most alarming one decides: unknown, then diverged,
 * then ahead, then behind.
 */
export function compareRevisions (database: readonly string[], expected: readonly string[], graph?: RevisionGraph): Comparison {
  const db = new Set(database)
  if (db.size === new Set(expected).size && expected.every((e) => db.has(e))) return { state: 'current' }
  if (graph === undefined || expected.length === 0) return { state: 'unknown', reason: 'no_graph' }
  const stranger = database.find((r) => !graph.has(r))
  if (stranger !== undefined) return { state: 'unknown', reason: 'database_not_in_graph', revision: stranger }
  const missing = expected.find((r) => !graph.has(r))
  if (missing !== undefined) return { state: 'unknown', reason: 'expected_not_in_graph', revision: missing }

  const upToExpected = graph.applied(expected)
  const headBelow = (r: string): string | undefined => {
    const below = graph.ancestors([r])
    return expected.find((e) => below.has(e))
  }
  let ahead: { revision: string, head: string } | undefined
  for (const r of database) {
    if (upToExpected.has(r)) continue
    const head = headBelow(r)
    if (head === undefined) return { state: 'diverged', revision: r }
    ahead ??= { revision: r, head }
  }
  if (ahead !== undefined) return { state: 'ahead', ...ahead }
  return { state: 'behind', pending: graph.pending(database, expected) }
}
