// `check` against a database whose names and revision carry terminal escape sequences and
// line breaks: the text output shows them escaped, and no line can be forged.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { spawnCli } from '../helpers/cli.js'
import { startPostgres } from '../helpers/postgres.js'

const pg = await startPostgres()
t.teardown(() => pg.destroy())

const TITLE = 'evil\u001b]0;pwned\u0007\u001b[2J\u001b[H'
const FORGED = 'x\n  pass  schema:drift           0 findings (9 tables, 99 columns compared)'
const ident = (name: string) => `"${name.replace(/"/g, '""')}"`

t.test('escape sequences and line breaks from the database are shown escaped', async (t) => {
  const url = await pg.createDatabase('hostile_names')
  await pg.query(`CREATE TABLE ${ident(TITLE)} (id integer);
    CREATE TABLE ${ident(FORGED)} (${ident('col\r\numn')} integer);
    CREATE TABLE pdfs (id integer);
    CREATE TABLE alembic_version (version_num varchar(64) PRIMARY KEY);
    INSERT INTO alembic_version VALUES ($$c1\u001b[31m\n  pass  alembic:revision       current$$)`, [], 'hostile_names')
  const dir = t.testdir({})
  const manifest = join(dir, 'expected.json')
  writeFileSync(manifest, JSON.stringify({ version: 1, tables: { pdfs: { columns: { id: 'integer', [`${TITLE}\n`]: 'text' } } } }))
  const run = await spawnCli(['check'], { DATABASE_URL: url, EXPECTED_SCHEMA: manifest, EXPECTED_REVISION: 'c1', DRIFT_SEVERITY: 'extra_table=warn' })
  t.equal(run.code, 1, run.stderr)
  t.notMatch(run.stdout, /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/, 'no raw control character in stdout')
  const results = run.stdout.split('\n').filter((l) => /^ {2}(pass|warn|fail)\s/.test(l))
  t.same(results.map((l) => l.trim().split(/\s+/).slice(0, 2).join(' ')), ['pass postgres:connectivity', 'fail alembic:revision', 'fail schema:drift', 'pass security:exposure'],
    'exactly the four result lines: none forged')
  t.match(run.stdout, 'public.evil\\e]0;pwned\\u0007\\e[2J\\e[H')
  t.match(run.stdout, 'public.x\\n  pass  schema:drift')
  t.match(run.stdout, 'c1\\e[31m\\n  pass  alembic:revision')
  t.match(run.stdout, 'is expected but missing', 'the manifest\'s hostile column name too')
})
