import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import t, { type Test } from 'tap'
import { readVersionsDir } from '../../src/alembic/versions-dir.js'
import { VersionsDirError } from '../../src/alembic/errors.js'

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

t.test('reads the top level only, skipping what Alembic skips', async (t) => {
  const dir = tempDir(t, {
    'a_init.py': rev('a', null),
    'b_next.py': rev('b', 'a'),
    '__init__.py': '',
    'helpers.py': 'def helper():\n    return 1\n',
    '.#b_next.py': 'not python at all',
    'notes.txt': "revision = 'txt'",
    'nested/c_deeper.py': rev('c', 'b'),
    'dir.py/d.py': rev('d', 'b')
  })
  const graph = await readVersionsDir(dir)
  t.same(graph.revisions(), ['a', 'b'])
  t.same(graph.heads(), ['b'])
  t.equal(graph.fileOf('b'), join(dir, 'b_next.py'))
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
