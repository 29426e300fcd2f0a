import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import { runCli, spawnCli } from '../helpers/cli.js'

const rev = (id: string, down: string): string =>
  `revision: str = "${id}"\ndown_revision: Union[str, Sequence[str], None] = ${down}\n`

function versionsDir (t: Test, files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'sentinel-heads-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  for (const [name, source] of Object.entries(files)) writeFileSync(join(dir, name), source)
  return dir
}

t.test('prints the heads, one per line, without a database', async (t) => {
  const dir = versionsDir(t, { 'a.py': rev('a', 'None'), 'b.py': rev('b', '"a"'), 'c.py': rev('c', '"a"'), 'm.py': rev('m', '("b", "c")') })
  const run = await runCli(['heads', '--versions-dir', dir], {})
  t.same(run, { code: 0, stdout: 'm\n', stderr: '' })
})

t.test('reads ALEMBIC_VERSIONS_DIR; the flag wins over it', async (t) => {
  const one = versionsDir(t, { 'a.py': rev('a', 'None') })
  const two = versionsDir(t, { 'z.py': rev('z', 'None') })
  t.same(await runCli(['heads'], { ALEMBIC_VERSIONS_DIR: one }), { code: 0, stdout: 'a\n', stderr: '' })
  t.same(await runCli(['heads', '--versions-dir', two], { ALEMBIC_VERSIONS_DIR: one }), { code: 0, stdout: 'z\n', stderr: '' })
})

t.test('several heads: all printed, sorted, with a note on stderr', async (t) => {
  const dir = versionsDir(t, { 'a.py': rev('a', 'None'), 'c.py': rev('c', '"a"'), 'b.py': rev('b', '"a"') })
  const run = await runCli(['heads', '--versions-dir', dir])
  t.equal(run.code, 0)
  t.equal(run.stdout, 'b\nc\n')
  t.match(run.stderr, /2 heads without a merge.*alembic merge heads/)
})

t.test('heads --check: several heads without a merge exit 1 with the alembic merge command; otherwise 0', async (t) => {
  const forked = versionsDir(t, { 'a.py': rev('a', 'None'), 'c.py': rev('c', '"a"'), 'b.py': rev('b', '"a"') })
  const run = await runCli(['heads', '--check', '--versions-dir', forked])
  t.same(run, {
    code: 1,
    stdout: 'b\nc\n',
    stderr: 'schema-sentinel: 2 heads without a merge (b, c); alembic upgrade head would refuse them. Merge them: alembic merge heads -m "merge heads b and c"\n'
  })
  const merged = versionsDir(t, { 'a.py': rev('a', 'None'), 'b.py': rev('b', '"a"'), 'c.py': rev('c', '"a"'), 'm.py': rev('m', '("b", "c")') })
  t.same(await runCli(['heads', '--check', '--versions-dir', merged]), { code: 0, stdout: 'm\n', stderr: '' })
  // A dependency between two branches still leaves two heads for `alembic upgrade head`.
  const dependent = versionsDir(t, { 'a.py': rev('a', 'None') + 'branch_labels = ("core",)\n', 'x.py': rev('x', 'None') + 'depends_on = "core"\n' })
  const dep = await runCli(['heads', '--check', '--versions-dir', dependent])
  t.equal(dep.code, 1)
  t.equal(dep.stdout, 'x\n')
  const broken = versionsDir(t, { 'a.py': rev('a', '"gone"') })
  t.equal((await runCli(['heads', '--check', '--versions-dir', broken])).code, 2, 'a broken directory is 2, not 1')
})

t.test('several folders in ALEMBIC_VERSIONS_DIR, and warnings and loose scripts on stderr', async (t) => {
  const one = versionsDir(t, { 'a.py': rev('a', 'None'), 'fix_by_hand.py': 'print(1)\n' })
  const two = versionsDir(t, { 'b.py': rev('b', '"a"') + 'branch_labels = (cli.EXPAND,)\n' })
  const run = await runCli(['heads'], { ALEMBIC_VERSIONS_DIR: `${one}, ${two}` })
  t.equal(run.code, 0)
  t.equal(run.stdout, 'b\n')
  t.equal(run.stderr, [
    `schema-sentinel: warning: ${join(two, 'b.py')}: line 3: branch_labels cannot be read statically; nothing refers to it, so the heads do not depend on it`,
    `schema-sentinel: warning: ${join(one, 'fix_by_hand.py')}: no revision in this file; Alembic refuses to load it (loose script)`,
    ''
  ].join('\n'))
})

t.test('depends_on: the dependency is not a head', async (t) => {
  const dir = versionsDir(t, { 'a.py': rev('a', 'None') + 'branch_labels = ("core",)\n', 'x.py': rev('x', 'None') + 'depends_on = "core"\n' })
  t.equal((await runCli(['heads', '--versions-dir', dir])).stdout, 'x\n')
})

t.test('a broken directory exits 2 with one line naming the file', async (t) => {
  const dir = versionsDir(t, { 'a.py': rev('a', 'None'), 'b.py': rev('b', 'parent_of_b') })
  const run = await runCli(['heads', '--versions-dir', dir])
  t.equal(run.code, 2)
  t.equal(run.stdout, '')
  t.equal(run.stderr, `schema-sentinel: ${join(dir, 'b.py')}: line 2: down_revision cannot be read (expected None, a string, or a tuple or list of strings)\n`)
})

t.test('no directory given exits 2', async (t) => {
  const run = await runCli(['heads'], {})
  t.equal(run.code, 2)
  t.equal(run.stderr, 'schema-sentinel: --versions-dir or --alembic-config: is required (or set ALEMBIC_VERSIONS_DIR or ALEMBIC_CONFIG)\n')
})

t.test('as a real process: exit code 2, one line, no stack trace', async (t) => {
  const run = await spawnCli(['heads', '--versions-dir', '/nonexistent/versions'])
  t.equal(run.code, 2)
  t.equal(run.stderr, 'schema-sentinel: /nonexistent/versions: no such directory\n')
})
