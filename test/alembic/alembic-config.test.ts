// alembic.ini -> version locations, as Alembic's Config and ScriptDirectory.from_config find them.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import { readAlembicConfig } from '../../src/alembic/alembic-config.js'
import {
  AlembicBadValueError, AlembicConfigUnreadableError, AlembicKeyMissingError, AlembicLocationMissingError, AlembicSectionMissingError, PackageLocationError
} from '../../src/alembic/config-errors.js'
import { loadVersions } from '../../src/alembic/load.js'
import { runCli } from '../helpers/cli.js'

function project (t: Test, ini: string, files: Record<string, string> = {}): string {
  const root = mkdtempSync(join(tmpdir(), 'sentinel-ini-'))
  t.teardown(() => rmSync(root, { recursive: true, force: true }))
  writeFileSync(join(root, 'alembic.ini'), ini)
  for (const [name, source] of Object.entries(files)) {
    mkdirSync(join(root, name, '..'), { recursive: true })
    writeFileSync(join(root, name), source)
  }
  return root
}

const paths = async (root: string, cwd = '/cwd'): Promise<string[]> =>
  (await readAlembicConfig(join(root, 'alembic.ini'), { locations: true, cwd })).locations!.map((l) => l.path)

t.test('script_location: its versions folder; %(here)s is the ini folder, a relative path starts at the current directory', async (t) => {
  const root = project(t, '[alembic]\nscript_location = %(here)s/migrations\n')
  t.same(await paths(root), [join(root, 'migrations', 'versions')])
  const relative = project(t, '[alembic]\nscript_location = alembic\n')
  t.same(await paths(relative, '/srv/app'), ['/srv/app/alembic/versions'], 'as Alembic: os.path.abspath, not the ini folder')
})

t.test('version_locations, split as Alembic splits it', async (t) => {
  const cases: Array<[string, string[]]> = [
    ['version_locations = /a /b,/c, /d', ['/a', '/b', '/c', '/d']], // legacy: spaces and commas
    ['path_separator = os\nversion_locations = /a:/b', ['/a', '/b']],
    ['version_path_separator = ;\nversion_locations = /a b;/c', ['/a b', '/c']],
    ['version_path_separator = :\nversion_locations = /a:/b', ['/a', '/b']],
    ['version_path_separator = space\nversion_locations = /a  /b', ['/a', '/b']],
    ['path_separator = newline\nversion_locations =\n    /a\n    /b c', ['/a', '/b c']],
    ['path_separator = ;\nversion_path_separator = space\nversion_locations = /a b;/c', ['/a b', '/c']],
    ['path_separator = ;\nversion_locations = /a ; /b;', ['/a', '/b']]
  ]
  for (const [body, want] of cases) {
    t.same(await paths(project(t, `[alembic]\nscript_location = /unused\n${body}\n`)), want, body)
  }
})

t.test('recursive_version_locations and sourceless: only the word true, with a warning for True/yes/1', async (t) => {
  const on = await readAlembicConfig(join(project(t, '[alembic]\nscript_location = x\nrecursive_version_locations = true\nsourceless = true\n'), 'alembic.ini'), { locations: false })
  t.same([on.recursive, on.sourceless, on.warnings], [true, true, []])
  const almost = await readAlembicConfig(join(project(t, '[alembic]\nscript_location = x\nrecursive_version_locations = True\n'), 'alembic.ini'), { locations: false })
  t.equal(almost.recursive, false)
  t.match(almost.warnings, [{ kind: 'boolean_not_true', key: 'recursive_version_locations', value: 'True', line: 3 }])
})

t.test('bad input: one typed error naming the file and key', async (t) => {
  const refuse = async (ini: string | undefined, cls: new (...a: never[]) => Error, fields: Record<string, unknown>): Promise<void> => {
    const root = ini === undefined ? mkdtempSync(join(tmpdir(), 'sentinel-ini-')) : project(t, ini)
    const err = await readAlembicConfig(join(root, 'alembic.ini'), { locations: true }).then(() => undefined, (e: unknown) => e)
    t.ok(err instanceof cls, `${cls.name}: ${(err as Error)?.message}`)
    t.match(err, { file: join(root, 'alembic.ini'), ...fields })
  }
  await refuse(undefined, AlembicConfigUnreadableError, { problem: 'missing' })
  await refuse('[loggers]\nkeys = root\n', AlembicSectionMissingError, { section: 'alembic' })
  await refuse('[alembic]\nsqlalchemy.url = x\n', AlembicKeyMissingError, { key: 'script_location' })
  await refuse('[alembic]\nscript_location = myapp:migrations\n', PackageLocationError, { key: 'script_location', value: 'myapp:migrations' })
  await refuse('[alembic]\nscript_location = x\nversion_locations = /ok myapp:versions\n', PackageLocationError, { key: 'version_locations' })
  await refuse('[alembic]\nscript_location = x\npath_separator = tab\nversion_locations = /a\n', AlembicBadValueError, { key: 'path_separator', value: 'tab' })
  await refuse('[alembic]\nscript_location = x\nversion_locations = /a,\n', AlembicBadValueError, { key: 'version_locations', value: '' })
  await refuse('[alembic]\nscript_location = x\nversion_locations =\n  /a\n  /b\n', AlembicBadValueError, { key: 'version_locations' })
})

t.test('a location named in alembic.ini that does not exist names the ini and the key', async (t) => {
  const root = project(t, '[alembic]\nscript_location = %(here)s/alembic\n')
  const err = await loadVersions({ configFile: join(root, 'alembic.ini') }).then(() => undefined, (e: unknown) => e)
  t.ok(err instanceof AlembicLocationMissingError)
  t.match(err, { file: join(root, 'alembic.ini'), key: 'script_location', path: join(root, 'alembic', 'versions'), problem: 'missing', relativeTo: undefined })
  const rel = project(t, '[alembic]\nscript_location = alembic\n')
  const relErr = await loadVersions({ configFile: join(rel, 'alembic.ini'), cwd: '/nowhere' }).then(() => undefined, (e: unknown) => e)
  t.match(relErr, { key: 'script_location', path: '/nowhere/alembic/versions', relativeTo: '/nowhere' })
})

t.test('ALEMBIC_VERSIONS_DIR replaces the ini locations; the ini switches still apply (a package script_location then reads)', async (t) => {
  const rev = (id: string, down: string): string => `revision = '${id}'\ndown_revision = ${down}\n`
  const root = project(t, '[alembic]\nscript_location = myapp:migrations\nrecursive_version_locations = true\n', {
    'myapp/migrations/versions/a.py': rev('a', 'None'),
    'myapp/migrations/versions/2024/b.py': rev('b', "'a'")
  })
  const loaded = await loadVersions({ configFile: join(root, 'alembic.ini'), versionsDirs: [join(root, 'myapp/migrations/versions')] })
  t.same(loaded?.graph.heads(), ['b'], 'recursive: the nested revision is read')
  t.equal(loaded?.source, 'ALEMBIC_VERSIONS_DIR')
})

t.test('the CLI: one line, exit 2, naming the file and the key', async (t) => {
  const pkg = project(t, '[alembic]\nscript_location = myapp:migrations\n')
  const run = await runCli(['heads', '--alembic-config', join(pkg, 'alembic.ini')])
  t.equal(run.code, 2)
  t.equal(run.stderr, `schema-sentinel: ${join(pkg, 'alembic.ini')}: script_location: "myapp:migrations" is a Python package location, which Alembic imports; ` +
    'schema-sentinel reads files only: set ALEMBIC_VERSIONS_DIR (or --versions-dir) to the versions folder(s)\n')
  const none = await runCli(['heads'], { ALEMBIC_CONFIG: '/nonexistent/alembic.ini' })
  t.same(none, { code: 2, stdout: '', stderr: 'schema-sentinel: /nonexistent/alembic.ini: no such file (ALEMBIC_CONFIG / --alembic-config names the alembic.ini)\n' })
  const noSection = project(t, '[loggers]\nkeys = root\n')
  t.same(await runCli(['heads', '--alembic-config', join(noSection, 'alembic.ini')]),
    { code: 2, stdout: '', stderr: `schema-sentinel: ${join(noSection, 'alembic.ini')}: has no [alembic] section\n` })
})
