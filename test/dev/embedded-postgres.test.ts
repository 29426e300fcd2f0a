// The throwaway PostgreSQL of the demo and the tests runs as `nobody` when started by root. A
// clone in a folder only root may enter (/root, mktemp -d) keeps nobody out of node_modules:
// the binaries are then run from a copy nobody can reach.
import { execFile } from 'node:child_process'
import { chmodSync, cpSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { promisify } from 'node:util'
import t from 'tap'
import { PG_BIN, runnableBinDir } from '../../dev/embedded-postgres.js'

const run = promisify(execFile)
const asRoot = process.getuid?.() === 0

t.test('as root, binaries behind a folder nobody may enter are run from a copy', { skip: asRoot ? false : 'runs as root only (CI does)' }, async (t) => {
  t.equal(await runnableBinDir(PG_BIN), PG_BIN, 'the package where nobody reaches it: as it is')
  const closed = mkdtempSync(join(tmpdir(), 'sentinel-closed-')) // mode 0700
  t.teardown(() => rmSync(closed, { recursive: true, force: true }))
  chmodSync(closed, 0o700)
  const native = join(closed, 'native')
  cpSync(dirname(PG_BIN), native, { recursive: true, verbatimSymlinks: true })
  await t.rejects(run('runuser', ['-u', 'nobody', '--', join(native, 'bin', 'postgres'), '--version']), 'nobody cannot run it there')
  const usable = await runnableBinDir(join(native, 'bin'))
  t.teardown(() => rmSync(dirname(usable), { recursive: true, force: true }))
  t.not(usable, join(native, 'bin'))
  const { stdout } = await run('runuser', ['-u', 'nobody', '--', join(usable, 'initdb'), '--version'])
  t.match(stdout, /^initdb \(PostgreSQL\) \d+/, 'nobody runs the copy, its libraries found')
  t.equal(await runnableBinDir(join(native, 'bin')), usable, 'copied once')
})
