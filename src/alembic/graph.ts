// The Alembic revision graph: built once from the revision files (checked by
// ./check-revisions.js), then only queried. Edges follow Alembic's RevisionMap:
// down_revision, plus depends_on resolved to revision ids ("dependencies" in Alembic).
import { checkRevisions, type RevisionSpec } from './check-revisions.js'
import type { RiskyOp } from './upgrade-ops.js'

export type { RevisionSpec } from './check-revisions.js'

interface Node {
  readonly file?: string
  readonly risks: readonly RiskyOp[]
  readonly down: readonly string[]
  /** down ∪ resolved depends_on: what `alembic upgrade` applies first. */
  readonly parents: readonly string[]
}

export class RevisionGraph {
  readonly #nodes: ReadonlyMap<string, Node>
  readonly #heads: readonly string[]
  readonly #versionedHeads: readonly string[]

  /** Throws a VersionsDirError (naming the file) for duplicates, dangling names and cycles. */
  static fromRevisions (specs: readonly RevisionSpec[]): RevisionGraph {
    return new RevisionGraph(specs)
  }

  private constructor (specs: readonly RevisionSpec[]) {
    const resolved = checkRevisions(specs)
    const nodes = new Map<string, Node>()
    const referenced = new Set<string>()
    const downReferenced = new Set<string>()
    for (const spec of specs) {
      const deps = resolved.get(spec.revision) ?? []
      const parents = [...new Set([...spec.downRevisions, ...deps])]
      nodes.set(spec.revision, Object.freeze({ file: spec.file, risks: spec.risks ?? [], down: spec.downRevisions, parents: Object.freeze(parents) }))
      for (const p of parents) referenced.add(p)
      for (const p of spec.downRevisions) downReferenced.add(p)
    }
    this.#nodes = nodes
    const all = [...nodes.keys()].sort()
    // `heads --resolve-dependencies` (Alembic's _real_heads): nothing revises or depends on it.
    this.#heads = Object.freeze(all.filter((id) => !referenced.has(id)))
    // Plain `heads`: nothing names it as down_revision; `upgrade head` needs exactly one.
    this.#versionedHeads = Object.freeze(all.filter((id) => !downReferenced.has(id)))
  }

  /** Expected heads, as `alembic heads --resolve-dependencies` prints them (sorted). */
  heads (): string[] { return [...this.#heads] }

  /** Heads by down_revision alone, as plain `alembic heads` prints them (sorted). */
  versionedHeads (): string[] { return [...this.#versionedHeads] }

  /** Several heads without a merge: `alembic upgrade head` refuses, `alembic merge heads` fixes it. */
  hasMultipleHeads (): boolean { return this.#versionedHeads.length > 1 }

  get size (): number { return this.#nodes.size }

  has (revision: string): boolean { return this.#nodes.has(revision) }

  /** Every revision id, sorted. */
  revisions (): string[] { return [...this.#nodes.keys()].sort() }

  fileOf (revision: string): string | undefined { return this.#nodes.get(revision)?.file }

  /** What upgrade() of `revision` does that is destructive or fails in a transaction. */
  risksOf (revision: string): readonly RiskyOp[] { return this.#nodes.get(revision)?.risks ?? [] }

  /** down_revision and resolved depends_on of one revision. */
  parents (revision: string): readonly string[] { return this.#nodes.get(revision)?.parents ?? [] }

  /** Revisions that must be applied before any of `revisions` (strict ancestors, via depends_on too). */
  ancestors (revisions: Iterable<string>): Set<string> {
    const seen = new Set<string>()
    const stack = [...revisions].flatMap((r) => this.parents(r))
    while (stack.length > 0) {
      const id = stack.pop()!
      if (seen.has(id)) continue
      seen.add(id)
      stack.push(...this.parents(id))
    }
    return seen
  }

  /** `revisions` and their ancestors: what is applied once the database is at `revisions`. */
  applied (revisions: Iterable<string>): Set<string> {
    const known = [...revisions].filter((r) => this.has(r))
    const out = this.ancestors(known)
    for (const r of known) out.add(r)
    return out
  }

  isAncestor (ancestor: string, of: string): boolean {
    return this.ancestors([of]).has(ancestor)
  }

  /** How many revisions `alembic upgrade` to `targets` (default: heads) applies from `database`. */
  pending (database: Iterable<string>, targets: Iterable<string> = this.#heads): number {
    const done = this.applied(database)
    let n = 0
    for (const id of this.applied(targets)) if (!done.has(id)) n++
    return n
  }

  /**
   * The revisions `alembic upgrade` to `targets` applies from `database`, each after its
   * down_revisions and dependencies: one branch at a time, depth first from the sorted
   * targets, as Alembic walks them. Iterative: no recursion limit.
   */
  upgradeOrder (database: Iterable<string>, targets: Iterable<string> = this.#heads): string[] {
    const done = this.applied(database)
    const out: string[] = []
    const state = new Set<string>()
    for (const target of [...targets].filter((t) => this.has(t)).sort()) {
      if (done.has(target) || state.has(target)) continue
      const stack: Array<{ id: string, next: number }> = [{ id: target, next: 0 }]
      state.add(target)
      while (stack.length > 0) {
        const top = stack[stack.length - 1]!
        const parents = this.parents(top.id)
        if (top.next < parents.length) {
          const p = parents[top.next++]!
          if (!done.has(p) && !state.has(p)) { state.add(p); stack.push({ id: p, next: 0 }) }
          continue
        }
        out.push(top.id)
        stack.pop()
      }
    }
    return out
  }
}
