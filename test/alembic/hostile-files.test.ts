// Hostile revision files (issue 11, item 4) give one line and exit 2, and are refused without
// being held in memory: the CLI runs under a 48 MB V8 heap, where the old parser needed ~580 MB
// for the nested file alone.
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import { RevisionFileTooDeepError, RevisionFileTooLargeError, TooManyFilesError, VersionsDirError } from '../../src/alembic/errors.js'
import { MAX_REVISION_FILES } from '../../src/alembic/locations.js'
import { MAX_NESTING } from '../../src/alembic/python-tokens.js'
import { MAX_REVISION_BYTES, readVersions } from '../../src/alembic/versions-dir.js'
import { spawnCli } from '../helpers/cli.js'

const SMALL_HEAP = { NODE_OPTIONS: '--max-old-space-size=48' }

function folder (t: Test): string {
  const dir = mkdtempSync(join(tmpdir(), 'sentinel-hostile-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  writeFileSync(join(dir, 'a_base.py'), "revision = 'a'\ndown_revision = None\n")
  return dir
}

async function refusedBy (dir: string): Promise<unknown> {
  return await readVersions([{ path: dir }]).then(() => undefined, (e: unknown) => e)
}

async function oneLineExit2 (t: Test, dir: string, file: string): Promise<void> {
  const run = await spawnCli(['heads', '--versions-dir', dir], SMALL_HEAP)
  t.equal(run.code, 2, 'exit 2')
  t.equal(run.stdout, '')
  t.equal(run.stderr.split('\n').length, 2, `one line: ${run.stderr}`)
  t.ok(run.stderr.startsWith(`schema-sentinel: ${file}: `), 'names the file')
}

t.test('a 10 KB file nested 5,000 brackets deep', async (t) => {
  const dir = folder(t)
  const file = join(dir, 'deep.py')
  writeFileSync(file, `revision = ${'('.repeat(5000)}"r0"${')'.repeat(5000)}\ndown_revision = None\n`)
  const err = await refusedBy(dir)
  t.ok(err instanceof RevisionFileTooDeepError)
  t.match(err, { file, line: 1, limit: MAX_NESTING })
  await oneLineExit2(t, dir, file)
})

t.test('nesting up to what Python accepts still reads', async (t) => {
  const dir = folder(t)
  writeFileSync(join(dir, 'b.py'), `revision = ${'('.repeat(MAX_NESTING)}"b"${')'.repeat(MAX_NESTING)}\ndown_revision = 'a'\n`)
  t.same((await readVersions([{ path: dir }])).graph.heads(), ['b'])
})

t.test('a 50 MB revision file', async (t) => {
  const dir = folder(t)
  const file = join(dir, 'big.py')
  const fd = openSync(file, 'w')
  writeSync(fd, "revision = 'big'\ndown_revision = 'a'\n\ndef upgrade():\n")
  const chunk = Buffer.from("    op.execute('SELECT 1')\n".repeat(40_000))
  for (let written = 0; written < 50 * 1024 * 1024; written += chunk.length) writeSync(fd, chunk)
  closeSync(fd)
  const err = await refusedBy(dir)
  t.ok(err instanceof RevisionFileTooLargeError)
  t.match(err, { file, limit: MAX_REVISION_BYTES })
  t.ok((err as RevisionFileTooLargeError).bytes >= 50 * 1024 * 1024)
  await oneLineExit2(t, dir, file)
})

t.test(`more than ${MAX_REVISION_FILES} revision files`, async (t) => {
  const dir = folder(t)
  for (let i = 0; i < MAX_REVISION_FILES; i++) writeFileSync(join(dir, `r${i}.py`), '')
  const err = await refusedBy(dir)
  t.ok(err instanceof TooManyFilesError)
  t.match(err, { file: dir, what: 'revision files', limit: MAX_REVISION_FILES })
  t.ok(err instanceof VersionsDirError)
  const run = await spawnCli(['heads', '--versions-dir', dir], SMALL_HEAP)
  t.same(run, { code: 2, stdout: '', stderr: `schema-sentinel: ${dir}: has more than 10,000 revision files; refusing to read them (is this the versions folder?)\n` })
})
