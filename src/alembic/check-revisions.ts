// The rules a set of revisions must follow before it is a graph. Each broken rule is a
// VersionsDirError naming the file at fault: a duplicate id, a branch label used twice,
// a down_revision or depends_on that names nothing, a cycle.
import { basename } from 'node:path'
import { VersionsDirError } from '../errors.js'

export interface RevisionSpec {
  readonly revision: string
  readonly downRevisions: readonly string[]
  readonly branchLabels: readonly string[]
  /** Revision ids or branch labels. */
  readonly dependsOn: readonly string[]
  readonly file?: string
}

/** Validates `specs`; returns each revision's depends_on resolved to revision ids. */
export function checkRevisions (specs: readonly RevisionSpec[]): Map<string, string[]> {
  const byId = new Map<string, RevisionSpec>()
  const where = (spec: RevisionSpec): string => spec.file ?? `revision ${spec.revision}`
  const named = (spec: RevisionSpec): string => spec.file !== undefined ? `${spec.revision} (${basename(spec.file)})` : spec.revision
  for (const spec of specs) {
    const other = byId.get(spec.revision)
    if (other !== undefined) throw new VersionsDirError(where(spec), `revision ${spec.revision} is also defined in ${where(other)}`)
    byId.set(spec.revision, spec)
  }

  // Alembic resolves depends_on through one namespace of revision ids and branch labels.
  const labels = new Map<string, RevisionSpec>()
  for (const spec of specs) {
    for (const label of spec.branchLabels) {
      if (byId.has(label)) throw new VersionsDirError(where(spec), `branch label ${label} is also the id of revision ${named(byId.get(label)!)}`)
      const other = labels.get(label)
      if (other !== undefined && other !== spec) throw new VersionsDirError(where(spec), `branch label ${label} is also used by revision ${named(other)}`)
      labels.set(label, spec)
    }
  }

  const resolved = new Map<string, string[]>()
  for (const spec of specs) {
    for (const down of spec.downRevisions) {
      if (byId.has(down)) continue
      const hint = labels.has(down) ? `, only a branch label (down_revision must name a revision id: ${labels.get(down)!.revision})` : ''
      throw new VersionsDirError(where(spec), `down_revision of ${spec.revision} names ${down}, which is not a revision in this directory${hint}`)
    }
    resolved.set(spec.revision, spec.dependsOn.map((dep) => {
      const target = byId.get(dep) ?? labels.get(dep)
      if (target === undefined) {
        throw new VersionsDirError(where(spec), `depends_on of ${spec.revision} names ${dep}, which is neither a revision nor a branch label in this directory`)
      }
      return target.revision
    }))
  }

  const cycle = findCycle(byId, resolved)
  if (cycle !== undefined) {
    throw new VersionsDirError(where(byId.get(cycle[0]!)!), `revisions form a cycle through down_revision/depends_on: ${cycle.join(' -> ')}`)
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
