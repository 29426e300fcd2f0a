// STUB (issue B replaces this): the Alembic revision graph.
export class RevisionGraph {
  /** Expected heads, as `alembic heads --resolve-dependencies` prints them. */
  heads (): string[] { return [] }
}
