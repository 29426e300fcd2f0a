import t from 'tap'
import { compareRevisions, type Comparison } from '../../src/alembic/compare.js'
import { RevisionGraph, type RevisionSpec } from '../../src/alembic/graph.js'

const r = (revision: string, down: string[] = [], deps: string[] = []): RevisionSpec =>
  ({ revision, downRevisions: down, branchLabels: [], dependsOn: deps })

// a - b - c - d   (d is newer than the expected head c)
//      \
//       x - y     (another branch)
const graph = RevisionGraph.fromRevisions([r('a'), r('b', ['a']), r('c', ['b']), r('d', ['c']), r('x', ['b']), r('y', ['x'])])

const CASES: Array<[name: string, database: string[], expected: string[], want: Comparison, g?: RevisionGraph | null]> = [
  ['same set', ['c'], ['c'], { state: 'current' }],
  ['same set, several rows, any order', ['y', 'c'], ['c', 'y'], { state: 'current' }],
  ['one behind', ['b'], ['c'], { state: 'behind', pending: 1 }],
  ['two behind', ['a'], ['c'], { state: 'behind', pending: 2 }],
  ['behind on one of two heads', ['c', 'x'], ['c', 'y'], { state: 'behind', pending: 1 }],
  ['ahead', ['d'], ['c'], { state: 'ahead', revision: 'd', head: 'c' }],
  ['diverged', ['y'], ['c'], { state: 'diverged', revision: 'y' }],
  ['unknown: not in the graph', ['zz'], ['c'], { state: 'unknown', reason: 'database_not_in_graph', revision: 'zz' }],
  ['unknown: expected head not in the graph', ['c'], ['qq'], { state: 'unknown', reason: 'expected_not_in_graph', revision: 'qq' }],
  ['unknown: no graph and the sets differ', ['b'], ['c'], { state: 'unknown', reason: 'no_graph' }, null],
  ['current without a graph', ['c'], ['c'], { state: 'current' }, null],
  ['unknown wins over diverged', ['y', 'zz'], ['c'], { state: 'unknown', reason: 'database_not_in_graph', revision: 'zz' }],
  ['diverged wins over ahead', ['d', 'y'], ['c'], { state: 'diverged', revision: 'y' }],
  ['ahead wins over behind', ['d', 'x'], ['c', 'y'], { state: 'ahead', revision: 'd', head: 'c' }]
]

t.test('classifies database revisions against expected heads', async (t) => {
  for (const [name, database, expected, want, g] of CASES) {
    t.same(compareRevisions(database, expected, g === null ? undefined : g ?? graph), want, name)
  }
})

t.test('depends_on counts as ancestry', async (t) => {
  const deps = RevisionGraph.fromRevisions([r('a1'), r('b1', [], ['a1'])])
  t.same(compareRevisions(['a1'], deps.heads(), deps), { state: 'behind', pending: 1 })
})
