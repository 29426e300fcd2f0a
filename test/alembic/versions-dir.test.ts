import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import t, { type Test } from 'tap'
import { readVersions, readVersionsDir } from '../../src/alembic/versions-dir.js'
import { SourcelessRevisionError, UnreadableLabelNeededError, UnreadablePathError, VersionsDirError } from '../../src/alembic/errors.js'

const DEMO = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'demo', 'alembic', 'versions')
const rev = (id: string, down: string | null): string =>
  `"""x\n\nRevision ID: ${id}\n"""\nrevision = '${id}'\ndown_revision = ${down === null ? 'None' : `'${down}'`}\n`

function tempDir (t: Test, files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'sentinel-versions-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  for (const [name, source] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true })
    writeFileSync(join(dir, name), source)
  }
  return dir
}

async function refusal (t: Test, dir: string): Promise<VersionsDirError> {
  const err = await readVersionsDir(dir).then(() => undefined, (e: unknown) => e)
  t.ok(err instanceof VersionsDirError, 'a VersionsDirError')
  return err as VersionsDirError
}

t.test('reads the top level only, skipping what Alembic skips; a .py without revision is a loose script', async (t) => {
  const dir = tempDir(t, {
    'a_init.py': rev('a', null),
    'b_next.py': rev('b', 'a'),
    '__init__.py': '',
    'helpers.py': 'def helper():\n    return 1\n',
    '.#b_next.py': 'not python at all',
    'notes.txt': "revision = 'txt'",
    'b_next.py~': 'not python at all',
    'c.pyc': 'compiled',
    'nested/c_deeper.py': rev('c', 'b'),
    'dir.py/d.py': rev('d', 'b')
  })
  const read = await readVersions([{ path: dir }])
  t.same(read.graph.revisions(), ['a', 'b'])
  t.same(read.graph.heads(), ['b'])
  t.equal(read.graph.fileOf('b'), join(dir, 'b_next.py'))
  t.same(read.looseScripts, [join(dir, 'helpers.py')])
  t.match(read.warnings, [{ kind: 'subfolders_not_read', file: dir, count: 2, example: join(dir, 'dir.py', 'd.py') }])
})

t.test('the demo directory: one merge, one head', async (t) => {
  const graph = await readVersionsDir(DEMO)
  t.same(graph.heads(), ['fix_biomarkers_sequence'])
  t.equal(graph.size, 4)
  t.notOk(graph.hasMultipleHeads())
  t.equal(graph.pending(['7e8f9a0b1c2d']), 1, '7e8f9a0b1c2d is one behind head')
})

t.test('a missing directory', async (t) => {
  const err = await refusal(t, '/nonexistent/alembic/versions')
  t.equal(err.message, '/nonexistent/alembic/versions: no such directory')
})

t.test('a file instead of a directory', async (t) => {
  const dir = tempDir(t, { 'x.py': rev('x', null) })
  const err = await refusal(t, join(dir, 'x.py'))
  t.match(err.message, /x\.py: is not a directory$/)
})

t.test('a directory without revisions points at versions/', async (t) => {
  const dir = tempDir(t, { 'env.py': 'import os\n', 'versions/a.py': rev('a', null) })
  const err = await refusal(t, dir)
  t.match(err.message, /contains no Alembic revision files \(did you mean .*versions\?\)/)
  const empty = tempDir(t, {})
  t.match((await refusal(t, empty)).message, /contains no Alembic revision files \(expected the alembic\/versions directory\)/)
})

t.test('a broken file is named with its path', async (t) => {
  const dir = tempDir(t, { 'a.py': rev('a', null), 'b.py': "revision = 'b'\ndown_revision = PARENT\n" })
  const err = await refusal(t, dir)
  t.equal(err.file, join(dir, 'b.py'))
  t.equal(err.message, `${join(dir, 'b.py')}: line 2: down_revision cannot be read (expected None, a string, or a tuple or list of strings)`)
})

t.test('graph errors name the file at fault', async (t) => {
  const dir = tempDir(t, { 'a.py': rev('a', null), 'a_copy.py': rev('a', null) })
  const dup = await refusal(t, dir)
  t.equal(dup.file, join(dir, 'a_copy.py'))
  t.match(dup.message, /revision a is also defined in .*a\.py/)
  const dangling = tempDir(t, { 'a.py': rev('a', null), 'b.py': rev('b', 'gone') })
  t.match((await refusal(t, dangling)).message, /b\.py: down_revision of b names gone/)
})

t.test('recursive: subfolders in name order, __pycache__ files and symlinked folders skipped, a linked file read', async (t) => {
  const dir = tempDir(t, {
    'a.py': rev('a', null),
    '2024.1/expand/b.py': rev('b', 'a'),
    '2024.1/contract/c.py': rev('c', 'b'),
    '2024.1/__pycache__/stale.py': rev('stale', 'a'),
    '.hidden.py': rev('h', 'c'),
    '__init__helpers.py': 'x = 1\n',
    'elsewhere/e.py': rev('e', 'h')
  })
  const outside = tempDir(t, { 'linked/f.py': rev('f', 'e'), 'g.py': rev('g', 'e') })
  symlinkSync(join(outside, 'linked'), join(dir, 'linked_dir'))
  symlinkSync(join(outside, 'g.py'), join(dir, 'g_link.py'))
  const read = await readVersions([{ path: dir }], { recursive: true })
  t.same(read.graph.revisions(), ['a', 'b', 'c', 'e', 'g', 'h'])
  t.notOk(read.graph.has('stale'), 'files of __pycache__ are not read')
  t.notOk(read.graph.has('f'), 'a symlinked folder is not entered')
  t.ok(read.graph.has('h'), '.hidden.py matches Alembic\'s pattern')
  t.equal(read.warnings.length, 0)
})

t.test('several locations; the same file twice is read once with a warning', async (t) => {
  const one = tempDir(t, { 'a.py': rev('a', null), 'sub/b.py': rev('b', 'a') })
  const two = tempDir(t, { 'c.py': rev('c', 'b') })
  const read = await readVersions([{ path: one }, { path: two }, { path: join(one, 'sub') }])
  t.same(read.graph.heads(), ['c'])
  t.same(read.warnings, [], 'sub is a location of its own: nothing unread')
  const overlapping = await readVersions([{ path: one }, { path: join(one, 'sub') }, { path: one }], { recursive: true })
  t.same(overlapping.graph.heads(), ['b'])
  t.same(overlapping.warnings, [{ kind: 'loaded_twice', file: join(one, 'sub', 'b.py') }, { kind: 'loaded_twice', file: one }],
    'sub/b.py reached through one and one/sub; one named twice')
})

t.test('sourceless = true: a compiled file without its source is refused; with its source it is skipped', async (t) => {
  const ok = tempDir(t, { 'a.py': rev('a', null), 'a.pyc': 'x', 'a.pyo': 'x', '__pycache__/a.cpython-311.pyc': 'x' })
  t.same((await readVersions([{ path: ok }], { sourceless: true })).graph.heads(), ['a'])
  const alone = tempDir(t, { 'a.py': rev('a', null), 'b.pyc': 'x' })
  const err = await readVersions([{ path: alone }], { sourceless: true }).then(() => undefined, (e: unknown) => e)
  t.ok(err instanceof SourcelessRevisionError)
  t.match(err, { file: join(alone, 'b.pyc') })
  t.same((await readVersions([{ path: alone }])).graph.heads(), ['a'], 'without sourceless a .pyc is ignored, as Alembic ignores it')
  const cached = tempDir(t, { 'a.py': rev('a', null), '__pycache__/gone.cpython-311.pyc': 'x' })
  t.match(await readVersions([{ path: cached }], { sourceless: true }).then(() => undefined, (e: unknown) => e), { file: join(cached, '__pycache__', 'gone.cpython-311.pyc') })
})

t.test('a FIFO under a revision name is refused at once (never waits for a writer)', async (t) => {
  const dir = tempDir(t, { 'a.py': rev('a', null) })
  const made = spawnSync('mkfifo', [join(dir, 'b.py')])
  if (made.status !== 0) { t.comment('mkfifo not available: nothing to test'); return }
  const err = await readVersions([{ path: dir }]).then(() => undefined, (e: unknown) => e)
  t.ok(err instanceof UnreadablePathError)
  t.match(err, { file: join(dir, 'b.py'), what: 'file', problem: 'other' })
})

t.test('a legacy file named for its id may leave revision out, as Alembic allows', async (t) => {
  const dir = tempDir(t, { 'a.py': rev('a', null), 'abc123.py': "down_revision = 'a'\n", 'abc.py': 'x = 1\n' })
  const read = await readVersions([{ path: dir }])
  t.same(read.graph.heads(), ['abc123'])
  t.same(read.looseScripts, [join(dir, 'abc.py')], 'without down_revision Alembic fails on it: loose')
})

const NEUTRON = (id: string, down: string | null, labels: string): string =>
  `from neutron.db.migration import cli\n\nrevision = '${id}'\ndown_revision = ${down === null ? 'None' : `'${down}'`}\nbranch_labels = ${labels}\n`

t.test('Neutron style: labels through constants; a warning naming file and line, heads right', async (t) => {
  const dir = tempDir(t, {
    'kilo_initial.py': NEUTRON('kilo', null, 'None'),
    'liberty/expand/e1.py': NEUTRON('e1', 'kilo', '(cli.EXPAND_BRANCH,)'),
    'liberty/expand/e2.py': NEUTRON('e2', 'e1', 'None'),
    'liberty/contract/c1.py': NEUTRON('c1', 'kilo', '(cli.CONTRACT_BRANCH,)')
  })
  const read = await readVersions([{ path: dir }], { recursive: true })
  t.same(read.graph.heads(), ['c1', 'e2'])
  t.same(read.warnings.map((w) => [w.kind, w.file, w.line]), [
    ['unreadable_branch_labels', join(dir, 'liberty', 'contract', 'c1.py'), 5],
    ['unreadable_branch_labels', join(dir, 'liberty', 'expand', 'e1.py'), 5]
  ])
  const flat = await readVersions([{ path: dir }])
  t.same(flat.graph.heads(), ['kilo'], 'not recursive: only the top-level file, as Alembic')
  t.match(flat.warnings, [{ kind: 'subfolders_not_read', count: 3 }])
})

t.test('an unreadable label that something depends on is an error naming its file and line', async (t) => {
  const dir = tempDir(t, {
    'a.py': NEUTRON('a', null, '(cli.EXPAND_BRANCH,)'),
    'b.py': "revision = 'b'\ndown_revision = None\ndepends_on = 'expand'\n"
  })
  const err = await readVersions([{ path: dir }]).then(() => undefined, (e: unknown) => e)
  t.ok(err instanceof UnreadableLabelNeededError)
  t.match(err, { file: join(dir, 'a.py'), line: 5, referencedBy: { revision: 'b', key: 'depends_on', target: 'expand', file: join(dir, 'b.py') } })
})
