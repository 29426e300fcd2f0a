import t from 'tap'
import { RevisionGraph, type RevisionSpec } from '../../src/alembic/graph.js'
import {
  BranchLabelConflictError, DanglingReferenceError, DuplicateRevisionError, RevisionCycleError, UnreadableLabelNeededError, type VersionsDirError
} from '../../src/alembic/errors.js'

/** r('b', ['a'], { deps: ['x'], labels: ['core'] }) */
const r = (revision: string, down: string[] = [], more: { labels?: string[], deps?: string[] } = {}): RevisionSpec =>
  ({ revision, downRevisions: down, branchLabels: more.labels ?? [], dependsOn: more.deps ?? [], file: `v/${revision}_x.py` })

interface Case {
  name: string
  revisions: RevisionSpec[]
  heads: string[]
  versionedHeads: string[]
  ancestors?: Array<[of: string[], expected: string[]]>
  pending?: Array<[database: string[], expected: number]>
}

const CASES: Case[] = [
  {
    name: 'linear',
    revisions: [r('a'), r('b', ['a']), r('c', ['b'])],
    heads: ['c'],
    versionedHeads: ['c'],
    ancestors: [[['c'], ['a', 'b']], [['a'], []]],
    pending: [[[], 3], [['a'], 2], [['b'], 1], [['c'], 0]]
  },
  {
    name: 'branch and merge',
    revisions: [r('a'), r('b', ['a']), r('c', ['a']), r('m', ['b', 'c'])],
    heads: ['m'],
    versionedHeads: ['m'],
    ancestors: [[['m'], ['a', 'b', 'c']], [['b'], ['a']]],
    pending: [[['a'], 3], [['b'], 2], [['b', 'c'], 1], [['m'], 0]]
  },
  {
    name: 'several heads without a merge',
    revisions: [r('a'), r('b', ['a']), r('c', ['a'])],
    heads: ['b', 'c'],
    versionedHeads: ['b', 'c'],
    pending: [[['b'], 1], [['b', 'c'], 0]]
  },
  {
    name: 'two labelled branches with their own bases',
    revisions: [r('a1', [], { labels: ['alpha'] }), r('a2', ['a1']), r('b1', [], { labels: ['beta', 'extra'] }), r('b2', ['b1'])],
    heads: ['a2', 'b2'],
    versionedHeads: ['a2', 'b2'],
    pending: [[['a2'], 2], [['a1', 'b1'], 2]]
  },
  {
    name: 'depends_on a revision: the dependency is no longer an effective head',
    revisions: [r('a'), r('x'), r('y', ['x'], { deps: ['a'] })],
    heads: ['y'],
    versionedHeads: ['a', 'y'],
    ancestors: [[['y'], ['a', 'x']]],
    pending: [[['a'], 2], [['x'], 2], [['y'], 0]]
  },
  {
    name: 'depends_on a branch label',
    revisions: [r('a1', [], { labels: ['alpha'] }), r('b1', [], { deps: ['alpha'] })],
    heads: ['b1'],
    versionedHeads: ['a1', 'b1'],
    ancestors: [[['b1'], ['a1']]],
    pending: [[['a1'], 1], [[], 2]]
  },
  {
    name: 'depends_on a label whose branch went on: the later revision is still a head',
    revisions: [r('a1', [], { labels: ['alpha'] }), r('a2', ['a1']), r('b1', [], { deps: ['alpha'] })],
    heads: ['a2', 'b1'],
    versionedHeads: ['a2', 'b1'],
    pending: [[['b1'], 1], [['a2'], 1]]
  },
  {
    name: 'depends_on an ancestor changes nothing',
    revisions: [r('a'), r('b', ['a'], { deps: ['a'] })],
    heads: ['b'],
    versionedHeads: ['b'],
    pending: [[['a'], 1]]
  },
  {
    name: 'several bases merged',
    revisions: [r('p'), r('q'), r('m', ['p', 'q']), r('h', ['m'])],
    heads: ['h'],
    versionedHeads: ['h'],
    pending: [[['m'], 1], [['p'], 3], [['p', 'q'], 2]]
  }
]

t.test('heads, ancestry and pending on hand-written graphs', async (t) => {
  for (const c of CASES) {
    const graph = RevisionGraph.fromRevisions(c.revisions)
    t.same(graph.heads(), c.heads, `${c.name}: heads`)
    t.same(graph.versionedHeads(), c.versionedHeads, `${c.name}: versioned heads`)
    t.equal(graph.hasMultipleHeads(), c.versionedHeads.length > 1, `${c.name}: multiple heads`)
    t.equal(graph.size, c.revisions.length, `${c.name}: size`)
    for (const [of, expected] of c.ancestors ?? []) t.same([...graph.ancestors(of)].sort(), expected, `${c.name}: ancestors of ${of.join(',')}`)
    for (const [db, n] of c.pending ?? []) t.equal(graph.pending(db), n, `${c.name}: pending from [${db.join(', ')}]`)
  }
})

t.test('queries do not expose internal state', async (t) => {
  const graph = RevisionGraph.fromRevisions([r('a'), r('b', ['a'])])
  graph.heads().push('zzz')
  t.same(graph.heads(), ['b'])
  t.ok(graph.isAncestor('a', 'b'))
  t.notOk(graph.isAncestor('b', 'a'))
  t.equal(graph.fileOf('b'), 'v/b_x.py')
  t.same(graph.revisions(), ['a', 'b'])
  t.equal(graph.pending(['a'], ['a']), 0, 'pending to an explicit target')
})

type ErrorClass = new (...args: never[]) => VersionsDirError
const BROKEN: Array<[name: string, revisions: RevisionSpec[], cls: ErrorClass, fields: Record<string, unknown>]> = [
  ['duplicate revision id', [r('a'), { ...r('a'), file: 'v/a_again.py' }], DuplicateRevisionError, { file: 'v/a_again.py', revision: 'a', otherFile: 'v/a_x.py' }],
  ['down_revision names nothing', [r('a'), r('b', ['zz'])], DanglingReferenceError, { file: 'v/b_x.py', revision: 'b', key: 'down_revision', target: 'zz', labelOf: undefined }],
  ['down_revision names a branch label', [r('a', [], { labels: ['core'] }), r('b', ['core'])], DanglingReferenceError, { file: 'v/b_x.py', key: 'down_revision', target: 'core', labelOf: 'a' }],
  ['depends_on names nothing', [r('a'), r('b', ['a'], { deps: ['nope'] })], DanglingReferenceError, { file: 'v/b_x.py', key: 'depends_on', target: 'nope' }],
  ['branch label used twice', [r('a', [], { labels: ['core'] }), r('b', [], { labels: ['core'] })], BranchLabelConflictError, { file: 'v/b_x.py', label: 'core', conflict: 'label', other: { revision: 'a', file: 'v/a_x.py' } }],
  ['branch label equal to a revision id', [r('a'), r('b', [], { labels: ['a'] })], BranchLabelConflictError, { file: 'v/b_x.py', label: 'a', conflict: 'revision_id' }],
  ['self-loop', [r('a', ['a'])], RevisionCycleError, { file: 'v/a_x.py', cycle: ['a', 'a'] }],
  ['depends_on itself', [r('a', [], { deps: ['a'] })], RevisionCycleError, { file: 'v/a_x.py', cycle: ['a', 'a'] }],
  ['cycle of three', [r('a', ['c']), r('b', ['a']), r('c', ['b']), r('d')], RevisionCycleError, { file: 'v/a_x.py', cycle: ['a', 'c', 'b', 'a'] }],
  ['cycle through depends_on', [r('a', [], { deps: ['b'] }), r('b', ['a'])], RevisionCycleError, { file: 'v/a_x.py', cycle: ['a', 'b', 'a'] }],
  ['depends_on a label we could not read', [{ ...r('a'), unreadableLabelsLine: 7 }, r('b', [], { deps: ['expand'] })], UnreadableLabelNeededError,
    { file: 'v/a_x.py', line: 7, referencedBy: { revision: 'b', key: 'depends_on', target: 'expand', file: 'v/b_x.py' } }],
  ['a down_revision naming nothing is not blamed on unreadable labels', [{ ...r('a'), unreadableLabelsLine: 7 }, r('b', ['expand'])], DanglingReferenceError, { file: 'v/b_x.py', target: 'expand' }]
]

t.test('refuses broken graphs with a typed error naming the file', async (t) => {
  for (const [name, revisions, cls, fields] of BROKEN) {
    const err = t.throws(() => RevisionGraph.fromRevisions(revisions), name) as unknown
    t.ok(err instanceof cls, `${name}: ${cls.name}`)
    t.match(err, fields, name)
  }
})

t.test('an unreadable label nothing depends on leaves the graph as it is', async (t) => {
  const graph = RevisionGraph.fromRevisions([{ ...r('a'), unreadableLabelsLine: 3 }, r('b', ['a'], { deps: ['a'] })])
  t.same(graph.heads(), ['b'])
})

t.test('upgradeOrder: the pending revisions, each after its parents and dependencies', async (t) => {
  const graph = RevisionGraph.fromRevisions([
    r('a'), r('b', ['a']), r('c', ['a']), r('m', ['b', 'c']), r('x', [], { deps: ['c'] }), r('y', ['x'])
  ])
  t.same(graph.upgradeOrder(['a']), ['b', 'c', 'm', 'x', 'y'])
  t.same(graph.upgradeOrder(['b']), ['c', 'm', 'x', 'y'])
  t.same(graph.upgradeOrder(['m', 'y']), [])
  t.same(graph.upgradeOrder([], ['y']), ['a', 'c', 'x', 'y'], 'to one target, from nothing')
  const long = RevisionGraph.fromRevisions(Array.from({ length: 20_000 }, (_, i) => r(`r${i}`, i === 0 ? [] : [`r${i - 1}`])))
  t.equal(long.upgradeOrder(['r0']).length, 19_999, 'no recursion limit')
})

t.test('a long linear history needs no recursion', async (t) => {
  const revisions = Array.from({ length: 20_000 }, (_, i) => r(`r${i}`, i === 0 ? [] : [`r${i - 1}`]))
  const graph = RevisionGraph.fromRevisions(revisions)
  t.same(graph.heads(), ['r19999'])
  t.equal(graph.pending(['r100']), 19_899)
})
