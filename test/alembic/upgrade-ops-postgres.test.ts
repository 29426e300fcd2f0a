// The two "fails inside a transaction" findings checked against the real thing: real Alembic
// (Debian's python3-alembic) runs each revision on a real PostgreSQL. A revision we flag fails
// with the SQLSTATE we name; its autocommit-block variant, which we do not flag, succeeds.
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { readVersions } from '../../src/alembic/versions-dir.js'
import { startPostgres } from '../helpers/postgres.js'
import { CLEAN, RISKY, revisionWith } from './risky-revisions.js'

const PYTHON = '/usr/bin/python3'
const ENV_PY = `from alembic import context
from sqlalchemy import create_engine

engine = create_engine(context.config.get_main_option("sqlalchemy.url"))
with engine.connect() as connection:
    context.configure(connection=connection, transaction_per_migration=True)
    try:
        with context.begin_transaction():
            context.run_migrations()
    except Exception as err:
        print("SQLSTATE=%s" % getattr(getattr(err, "orig", None), "pgcode", None))
        raise SystemExit(3)
`
const SCHEMA = `CREATE TYPE pdf_status AS ENUM ('pending', 'old');
CREATE TABLE pdfs (id serial PRIMARY KEY, status pdf_status, user_id int, b int, c int, file_hash text, created_at timestamptz DEFAULT now());
CREATE TABLE jobs (id serial PRIMARY KEY)`

/** [case, expected SQLSTATE when it fails] */
const FAILS: Array<[string, string]> = [['enum_used', '55P04'], ['enum_default', '55P04'], ['concurrently_op', '25001'], ['concurrently_sql', '25001']]
const PASSES = ['enum_autocommit', 'enum_committed_before_use', 'concurrently_autocommit']

const probe = spawnSync(PYTHON, ['-c', 'import alembic, psycopg2'], { encoding: 'utf8' })
if (probe.status !== 0 && process.env.CI !== 'true') {
  t.plan(0, `${PYTHON} cannot import alembic and psycopg2 (apt-get install python3-alembic python3-psycopg2); skipped outside CI`)
} else {
  const pg = await startPostgres()
  t.teardown(() => pg.destroy())
  const root = mkdtempSync(join(tmpdir(), 'sentinel-risky-pg-'))
  t.teardown(() => rmSync(root, { recursive: true, force: true }))
  const bodies = new Map<string, string>([...RISKY.map(([id, body]) => [id, body] as const), ...CLEAN])

  let n = 0
  async function upgrade (id: string): Promise<{ flagged: string[], code: number | null, sqlstate?: string }> {
    const db = `risky_${++n}`
    await pg.createDatabase(db)
    await pg.query(SCHEMA, [], db)
    const dir = join(root, id)
    mkdirSync(join(dir, 'versions'), { recursive: true })
    writeFileSync(join(dir, 'alembic.ini'), `[alembic]\nscript_location = %(here)s\nsqlalchemy.url = ${pg.url(db).replace('postgres://', 'postgresql://').replace(/%/g, '%%')}\n`)
    writeFileSync(join(dir, 'env.py'), ENV_PY)
    writeFileSync(join(dir, 'versions', `${id}.py`), revisionWith(id, null, bodies.get(id)!))
    const flagged = (await readVersions([{ path: join(dir, 'versions') }])).graph.risksOf(id).map((r) => r.kind)
    const run = spawnSync(PYTHON, ['-m', 'alembic', '-c', join(dir, 'alembic.ini'), 'upgrade', 'head'], {
      encoding: 'utf8', env: { PATH: process.env.PATH, PYTHONDONTWRITEBYTECODE: '1' }, timeout: 60_000
    })
    return { flagged, code: run.status, sqlstate: /SQLSTATE=(\w+)/.exec(run.stdout)?.[1] }
  }

  t.test('flagged: PostgreSQL refuses it in the migration transaction, with the SQLSTATE we name', async (t) => {
    for (const [id, sqlstate] of FAILS) {
      const got = await upgrade(id)
      t.same(got, { flagged: [sqlstate === '55P04' ? 'new_enum_value_used' : 'concurrently_in_transaction'], code: 3, sqlstate }, id)
    }
  })

  t.test('not flagged: the autocommit-block variants run', async (t) => {
    for (const id of PASSES) t.same(await upgrade(id), { flagged: [], code: 0, sqlstate: undefined }, id)
  })
}
