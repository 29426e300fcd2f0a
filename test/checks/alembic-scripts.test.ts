// alembic:revision with a project as users configure it (ALEMBIC_CONFIG, nested recursive
// locations, a Neutron-style label, a loose script) against a real PostgreSQL: pending
// revisions in upgrade order with their risky operations, the backup advice, loose scripts
// and warnings in the details, `check`'s text and stderr, /metrics and the status page.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import t from 'tap'
import { runCli } from '../helpers/cli.js'
import { startPostgres } from '../helpers/postgres.js'
import { startTestService } from '../helpers/service.js'

const pg = await startPostgres()
t.teardown(() => pg.destroy())
const root = mkdtempSync(join(tmpdir(), 'sentinel-alembic-scripts-'))
t.teardown(() => rmSync(root, { recursive: true, force: true }))

const head = (id: string, down: string | null, extra = ''): string =>
  `revision = '${id}'\ndown_revision = ${down === null ? 'None' : `'${down}'`}\n${extra}\n\ndef upgrade():\n`
const FILES: Record<string, string> = {
  'migrations/versions/a_base.py': head('a', null) + "    op.create_table('pdfs', sa.Column('id', sa.Integer()))\n",
  'migrations/versions/2024.1/contract/b_drop.py': head('b', 'a') + "    op.drop_column('pdfs', 'legacy')\n",
  'migrations/versions/2024.1/expand/c_add.py': "from neutron.db.migration import cli\n" + head('c', 'b', 'branch_labels = (cli.EXPAND_BRANCH,)') + '    pass\n',
  'migrations/versions/2024.1/expand/d_enum.py': head('d', 'c') + '    op.execute("ALTER TYPE s ADD VALUE \'x\'")\n    op.execute("UPDATE t SET s = \'x\'")\n',
  'migrations/versions/fix_processing_started_at.py': 'from sqlalchemy import text\n\nSQL = text("ALTER TABLE pdfs ADD COLUMN processing_started_at timestamp")\n',
  'migrations/env.py': 'from alembic import context\n',
  'alembic.ini': '[alembic]\nscript_location = %(here)s/migrations\nrecursive_version_locations = true\n'
}
for (const [name, source] of Object.entries(FILES)) {
  mkdirSync(dirname(join(root, name)), { recursive: true })
  writeFileSync(join(root, name), source)
}
const INI = join(root, 'alembic.ini')
const V = join(root, 'migrations', 'versions')
const LOOSE = join(V, 'fix_processing_started_at.py')
const LABEL_FILE = join(V, '2024.1', 'expand', 'c_add.py')

let n = 0
async function database (rows: string[]): Promise<string> {
  const name = `scripts_${++n}`
  const url = await pg.createDatabase(name)
  await pg.query('CREATE TABLE alembic_version (version_num varchar(32) NOT NULL PRIMARY KEY)', [], name)
  for (const row of rows) await pg.query('INSERT INTO alembic_version VALUES ($1)', [row], name)
  return url
}

const LOOSE_NOTE = `1 loose script in the version locations without a revision, which Alembic refuses to load: ${LOOSE}`
const WARNING = `${LABEL_FILE}: line 4: branch_labels cannot be read statically; nothing refers to it, so the heads do not depend on it`

t.test('behind: pending revisions in upgrade order with their risky operations; loose script and warning', async (t) => {
  const run = await runCli(['check', '--format', 'json', '--alembic-config', INI], { DATABASE_URL: await database(['a']) })
  t.equal(run.code, 1)
  t.equal(run.stderr, `schema-sentinel: warning: ${WARNING}\n`)
  const check = JSON.parse(run.stdout).checks['alembic:revision'][0]
  t.match(check, { status: 'fail', state: 'behind', pending: 3, expected: ['d'], expectedSource: 'ALEMBIC_CONFIG', pendingDestructive: 1 })
  t.same(check.pendingRevisions, [
    { revision: 'b', file: join(V, '2024.1', 'contract', 'b_drop.py'), risks: [{ kind: 'drop_column', destructive: true, line: 6, detail: "op.drop_column('pdfs', 'legacy')" }] },
    { revision: 'c', file: LABEL_FILE },
    { revision: 'd', file: join(V, '2024.1', 'expand', 'd_enum.py'), risks: [{ kind: 'new_enum_value_used', destructive: false, line: 7, detail: "UPDATE t SET s = 'x'" }] }
  ])
  t.same(check.looseScripts, [LOOSE])
  t.same(check.warnings, [{ kind: 'unreadable_branch_labels', file: LABEL_FILE, line: 4, message: WARNING }])
  t.equal(check.output, 'database is behind: 3 revisions to apply, with 1 destructive operation: take a backup first, ' +
    `and 1 operation PostgreSQL refuses inside a transaction (run alembic upgrade head); ${LOOSE_NOTE}`)
})

t.test("check's text: the pending list, the backup advice, the loose script and the warning", async (t) => {
  const run = await runCli(['check', '--alembic-config', INI], { DATABASE_URL: await database(['a']) })
  t.equal(run.code, 1)
  const lines = run.stdout.split('\n')
  const at = lines.findIndex((l) => l.includes('alembic:revision'))
  t.same(lines.slice(at + 1, at + 11), [
    '        pending, in upgrade order:',
    `          b  ${join(V, '2024.1', 'contract', 'b_drop.py')}`,
    "            destructive  drop_column                  line 6: op.drop_column('pdfs', 'legacy')",
    `          c  ${LABEL_FILE}`,
    `          d  ${join(V, '2024.1', 'expand', 'd_enum.py')}`,
    "            will fail    new_enum_value_used          line 7: UPDATE t SET s = 'x'",
    '        take a backup before upgrading: 1 destructive operation pending',
    `        loose script (no revision; Alembic refuses to load it): ${LOOSE}`,
    `        warning: ${WARNING}`,
    lines[at + 10]
  ])
})

t.test('current with a loose script: warn in /health, fail for check (alembic would stop on it)', async (t) => {
  const run = await runCli(['check', '--format', 'json', '--alembic-config', INI], { DATABASE_URL: await database(['d']) })
  t.equal(run.code, 1)
  const check = JSON.parse(run.stdout).checks['alembic:revision'][0]
  t.match(check, { status: 'fail', state: 'current', output: LOOSE_NOTE })
  t.notOk('pendingRevisions' in check, 'nothing pending')
  const svc = await startTestService(t, { DATABASE_URL: await database(['d']), ALEMBIC_CONFIG: INI })
  const health = await svc.waitFor('/health', (_r, body) => body.includes('alembic:revision'))
  t.equal(health.res.status, 200)
  t.match(JSON.parse(health.body), { status: 'warn', checks: { 'alembic:revision': [{ status: 'warn', looseScripts: [LOOSE] }] } })
})

t.test('service: the metric counts pending destructive operations; the status page lists them', async (t) => {
  const svc = await startTestService(t, { DATABASE_URL: await database(['a']), ALEMBIC_CONFIG: INI })
  await svc.waitFor('/health', (_r, body) => body.includes('alembic:revision'))
  const metrics = await (await svc.get('/metrics')).text()
  t.match(metrics, /^schema_sentinel_alembic_pending_destructive 1$/m)
  t.match(metrics, /^schema_sentinel_alembic_pending_migrations 3$/m)
  const page = await (await svc.get('/')).text()
  t.match(page, /<ol id="alembic-pending-revisions"><li><code>b<\/code>/)
  t.match(page, /data-risk="drop_column"/)
  t.match(page, /<strong>Take a backup:<\/strong> 1 destructive operation\(s\) pending/)
  t.match(page, /<ul id="alembic-loose-scripts"><li><code>[^<]*fix_processing_started_at\.py<\/code>/)
  const ok = await startTestService(t, { DATABASE_URL: await database(['d']), ALEMBIC_CONFIG: INI })
  await ok.waitFor('/health', (_r, body) => body.includes('alembic:revision'))
  t.match(await (await ok.get('/metrics')).text(), /^schema_sentinel_alembic_pending_destructive 0$/m, 'nothing pending: 0')
})
