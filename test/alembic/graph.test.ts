import t from 'tap'
import { RevisionGraph, type RevisionSpec } from '../../src/alembic/graph.js'
import { VersionsDirError } from '../../src/alembic/errors.js'

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

const BROKEN: Array<[name: string, revisions: RevisionSpec[], file: string, message: RegExp]> = [
  ['duplicate revision id', [r('a'), { ...r('a'), file: 'v/a_again.py' }], 'v/a_again.py', /revision a is also defined in v\/a_x\.py/],
  ['down_revision names nothing', [r('a'), r('b', ['zz'])], 'v/b_x.py', /down_revision of b names zz, which is not a revision/],
  ['down_revision names a branch label', [r('a', [], { labels: ['core'] }), r('b', ['core'])], 'v/b_x.py', /names core.*only a branch label.*a/],
  ['depends_on names nothing', [r('a'), r('b', ['a'], { deps: ['nope'] })], 'v/b_x.py', /depends_on of b names nope, which is neither a revision nor a branch label/],
  ['branch label used twice', [r('a', [], { labels: ['core'] }), r('b', [], { labels: ['core'] })], 'v/b_x.py', /branch label core is also used by revision a \(a_x\.py\)/],
  ['branch label equal to a revision id', [r('a'), r('b', [], { labels: ['a'] })], 'v/b_x.py', /branch label a is also the id of revision a/],
  ['self-loop', [r('a', ['a'])], 'v/a_x.py', /cycle.*a -> a/],
  ['depends_on itself', [r('a', [], { deps: ['a'] })], 'v/a_x.py', /cycle.*a -> a/],
  ['cycle of three', [r('a', ['c']), r('b', ['a']), r('c', ['b']), r('d')], 'v/a_x.py', /cycle.*a -> c -> b -> a/],
  ['cycle through depends_on', [r('a', [], { deps: ['b'] }), r('b', ['a'])], 'v/a_x.py', /cycle.*a -> b -> a/]
]

t.test('refuses broken graphs, naming the file', async (t) => {
  for (const [name, revisions, file, message] of BROKEN) {
    const err = t.throws(() => RevisionGraph.fromRevisions(revisions), name) as unknown
    t.ok(err instanceof VersionsDirError, `${name}: VersionsDirError`)
    t.equal((err as VersionsDirError).file, file, `${name}: names ${file}`)
    t.match((err as Error).message, message, name)
  }
})

t.test('a long linear history needs no recursion', async (t) => {
  const revisions = Array.from({ length: 20_000 }, (_, i) => r(`r${i}`, i === 0 ? [] : [`r${i - 1}`]))
  const graph = RevisionGraph.fromRevisions(revisions)
  t.same(graph.heads(), ['r19999'])
  t.equal(graph.pending(['r100']), 19_899)
})
