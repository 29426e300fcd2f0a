// The rules a set of revisions must follow before it is a graph. Each broken rule is a
// typed VersionsDirError naming the file at fault: a duplicate id, a branch label used twice,
// a down_revision or depends_on that names nothing, a cycle. A reference that names nothing
// while some branch_labels could not be read is blamed on the unreadable labels instead.
import {
  BranchLabelConflictError, DanglingReferenceError, DuplicateRevisionError, RevisionCycleError, UnreadableLabelNeededError
} from './errors.js'
import type { RiskyOp } from './upgrade-ops.js'

export interface RevisionSpec {
  readonly revision: string
  readonly downRevisions: readonly string[]
  readonly branchLabels: readonly string[]
  /** Revision ids or branch labels. */
  readonly dependsOn: readonly string[]
  readonly file?: string
  /** branch_labels was not a literal (its line): the labels are unknown. */
  readonly unreadableLabelsLine?: number
  /** Risky operations of upgrade(). */
  readonly risks?: readonly RiskyOp[]
}

/** Validates `specs`; returns each revision's depends_on resolved to revision ids. */
export function checkRevisions (specs: readonly RevisionSpec[]): Map<string, string[]> {
  const byId = new Map<string, RevisionSpec>()
  const where = (spec: RevisionSpec): string => spec.file ?? `revision ${spec.revision}`
  const other = (spec: RevisionSpec): { revision: string, file?: string } => ({ revision: spec.revision, ...(spec.file !== undefined ? { file: spec.file } : {}) })
  for (const spec of specs) {
    const seen = byId.get(spec.revision)
    if (seen !== undefined) throw new DuplicateRevisionError(where(spec), spec.revision, where(seen))
    byId.set(spec.revision, spec)
  }
  const unreadable = specs.filter((s) => s.unreadableLabelsLine !== undefined).sort((a, b) => where(a) < where(b) ? -1 : 1)[0]
  const dangling = (spec: RevisionSpec, key: 'down_revision' | 'depends_on', target: string, labelOf?: string): Error => {
    // Only depends_on may name a branch label; down_revision names ids.
    if (unreadable === undefined || key === 'down_revision') return new DanglingReferenceError(where(spec), spec.revision, key, target, labelOf)
    return new UnreadableLabelNeededError(where(unreadable), unreadable.unreadableLabelsLine!, { revision: spec.revision, key, target, ...(spec.file !== undefined ? { file: spec.file } : {}) })
  }

  // Alembic resolves depends_on through one namespace of revision ids and branch labels.
  const labels = new Map<string, RevisionSpec>()
  for (const spec of specs) {
    for (const label of spec.branchLabels) {
      if (byId.has(label)) throw new BranchLabelConflictError(where(spec), label, spec.revision, other(byId.get(label)!), 'revision_id')
      const owner = labels.get(label)
      if (owner !== undefined && owner !== spec) throw new BranchLabelConflictError(where(spec), label, spec.revision, other(owner), 'label')
      labels.set(label, spec)
    }
  }

  const resolved = new Map<string, string[]>()
  for (const spec of specs) {
    for (const down of spec.downRevisions) {
      if (byId.has(down)) continue
      throw dangling(spec, 'down_revision', down, labels.get(down)?.revision)
    }
    resolved.set(spec.revision, spec.dependsOn.map((dep) => {
      const target = byId.get(dep) ?? labels.get(dep)
      if (target === undefined) throw dangling(spec, 'depends_on', dep)
      return target.revision
    }))
  }

  const cycle = findCycle(byId, resolved)
  if (cycle !== undefined) {
    throw new RevisionCycleError(where(byId.get(cycle[0]!)!), cycle)
  }
  return resolved
}

/** A cycle as [a, b, …, a] following parent edges, or undefined. Iterative: no recursion limit. */
function findCycle (byId: ReadonlyMap<string, RevisionSpec>, resolved: ReadonlyMap<string, string[]>): string[] | undefined {
  const parents = (id: string): string[] => [...byId.get(id)!.downRevisions, ...(resolved.get(id) ?? [])]
  const state = new Map<string, 'open' | 'done'>()
  for (const root of [...byId.keys()].sort()) {
    if (state.has(root)) continue
    const path: string[] = [root]
    const iters: Array<Iterator<string>> = [parents(root)[Symbol.iterator]()]
    state.set(root, 'open')
    while (path.length > 0) {
      const next = iters[iters.length - 1]!.next()
      if (next.done === true) {
        state.set(path.pop()!, 'done')
        iters.pop()
        continue
      }
      const id = next.value
      if (state.get(id) === 'open') return [...path.slice(path.indexOf(id)), id]
      if (state.has(id)) continue
      state.set(id, 'open')
      path.push(id)
      iters.push(parents(id)[Symbol.iterator]())
    }
  }
  return undefined
}
