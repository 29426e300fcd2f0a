// Closing the loop with real tools: production missed one migration of every kind that has a
// fix; `diff --format sql` run by psql, or `diff --format alembic` run by Alembic, brings it to
// staging, and `diff` then exits 0 (only the extra table and column, info, remain: dropping
// them would lose data, so they are comments).
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { missingAlembic, runAlembic, writeAlembicProject } from '../helpers/alembic-project.js'
import { runCli } from '../helpers/cli.js'
import { startPostgres } from '../helpers/postgres.js'
import { missingPsql, runPsqlFile } from '../helpers/psql.js'

const skip = missingPsql() || missingAlembic()
if (skip !== false) {
  t.plan(0, `diff loop: ${skip}`)
} else {
  const server = await startPostgres()
  t.teardown(() => server.destroy())
  const database = async (sql: string): Promise<string> => await server.databaseWith(sql)

  const COMMON = `
    CREATE TYPE mood AS ENUM ('happy', 'sad');
    CREATE TABLE users (id serial PRIMARY KEY, email text NOT NULL);`
  const STAGING = COMMON + `
    CREATE TABLE pdfs (
      id serial PRIMARY KEY,
      user_id integer,
      file_id varchar(64) NOT NULL,
      page_count bigint,
      status varchar(20) NOT NULL DEFAULT 'pending',
      processing_started_at timestamp,
      notes text,
      created_at timestamptz NOT NULL DEFAULT now(),
      score numeric(10,2),
      seq_no bigserial
    );
    CREATE TABLE events (id bigint NOT NULL, kind text NOT NULL);
    -- Every built-in type SQLAlchemy has a class for: op.create_table with sa types.
    CREATE TABLE typed (
      i2 smallint NOT NULL DEFAULT 0, i4 integer DEFAULT -1, i8 bigint, price numeric(10,2) NOT NULL DEFAULT 0.00,
      ratio numeric, whole numeric(10), r4 real, r8 double precision DEFAULT 1.5, body text DEFAULT '',
      tagline text DEFAULT 'see :note', label varchar(36) NOT NULL DEFAULT 'active', free_text varchar, code char(3),
      done boolean NOT NULL DEFAULT false, born date DEFAULT CURRENT_DATE, at_ts timestamp, at_ts3 timestamp(3) DEFAULT now(),
      at_tstz timestamptz NOT NULL DEFAULT now(), at_tstz0 timestamp(0) with time zone DEFAULT CURRENT_TIMESTAMP,
      at_time time DEFAULT '10:30', at_timetz timetz(2), span interval DEFAULT '1 day', span_ds interval day to second(3),
      span_y interval year, uid uuid DEFAULT gen_random_uuid(), doc json DEFAULT '[]', docb jsonb NOT NULL DEFAULT '{}'::jsonb,
      blob bytea, addr inet, net cidr, mac macaddr, tags text[] DEFAULT '{}', scores integer[],
      names varchar(20)[] DEFAULT ARRAY[]::varchar[], bits bit(3), vbits bit varying(8), money_col money, words tsvector,
      r int4range, started_on date DEFAULT ('now'::text)::date
    );
    -- A serial, an enum and odd names: op.execute with the SQL.
    CREATE TABLE "Order" (id serial NOT NULL, feeling mood DEFAULT 'happy', "user" text, "Mixed Case" varchar(10));`
  const PRODUCTION = COMMON + `
    CREATE TABLE pdfs (
      id serial PRIMARY KEY,
      user_id integer,
      file_id varchar(36),
      page_count integer,
      notes text NOT NULL,
      created_at timestamptz NOT NULL,
      score numeric(10,2) DEFAULT 0,
      old_flag boolean
    );
    CREATE TABLE events (id bigint NOT NULL);
    CREATE TABLE legacy (id integer);
    INSERT INTO pdfs (user_id, file_id, page_count, notes, created_at) SELECT g, 'f' || g, g, 'n', now() FROM generate_series(1, 5) g;`
  const STAMP = `CREATE TABLE alembic_version (version_num varchar(32) NOT NULL PRIMARY KEY); INSERT INTO alembic_version VALUES ('base0001');`

  const BEFORE = [
    'missing_table public.Order', 'missing_column public.events.kind', 'extra_table public.legacy',
    'default_mismatch public.pdfs.created_at', 'type_mismatch public.pdfs.file_id', 'nullability_mismatch public.pdfs.file_id',
    'nullability_mismatch public.pdfs.notes', 'extra_column public.pdfs.old_flag', 'type_mismatch public.pdfs.page_count',
    'missing_column public.pdfs.processing_started_at', 'default_mismatch public.pdfs.score', 'missing_column public.pdfs.seq_no',
    'missing_column public.pdfs.status', 'missing_table public.typed'
  ]
  const AFTER = ['extra_table public.legacy', 'extra_column public.pdfs.old_flag']

  const staging = await database(STAGING)
  const findings = async (to: string): Promise<{ code: number, findings: string[] }> => {
    const res = await runCli(['diff', '--from', staging, '--to', to, '--format', 'json'], {})
    if (res.code === 2) throw new Error(res.stderr)
    const body = JSON.parse(res.stdout) as { findings: Array<{ kind: string, table: string, column?: string }> }
    return { code: res.code, findings: body.findings.map((f) => `${f.kind} ${f.table}${f.column !== undefined ? `.${f.column}` : ''}`) }
  }

  t.test('psql runs the sql format, then diff exits 0', async (t) => {
    const production = await database(PRODUCTION)
    t.same(await findings(production), { code: 1, findings: BEFORE }, 'one finding of every kind')
    const script = await runCli(['diff', '--from', staging, '--to', production, '--format', 'sql'], {})
    t.equal(script.code, 1, script.stderr)
    t.notMatch(script.stdout, server.password, 'never the password')
    const dir = t.testdir({ 'fix.sql': script.stdout })
    const psql = await runPsqlFile(production, join(dir, 'fix.sql'))
    t.equal(psql.code, 0, `psql ran the script: ${psql.stderr}\n${script.stdout}`)
    t.same(await findings(production), { code: 0, findings: AFTER }, 'only the extra table and column remain (comments)')
    const rows = await server.query<{ n: string, seq: string }>('SELECT count(*) AS n, string_agg(seq_no::text, \',\' ORDER BY seq_no) AS seq FROM pdfs WHERE status = \'pending\'', [], new URL(production).pathname.slice(1))
    t.same(rows, [{ n: '5', seq: '1,2,3,4,5' }], 'existing rows got the default and numbers from the new sequence')
  })

  t.test('a NOT NULL column without a default on a table with rows: the script stops and changes nothing', async (t) => {
    const production = await database(PRODUCTION + ' INSERT INTO events VALUES (1);')
    const script = await runCli(['diff', '--from', staging, '--to', production, '--format', 'sql'], {})
    t.match(script.stdout, /-- public\.events\.kind is NOT NULL without a default: on a table with rows, fill it before the next statement[^\n]*\nALTER TABLE public\.events ALTER COLUMN kind SET NOT NULL;/)
    const dir = t.testdir({ 'fix.sql': script.stdout })
    const psql = await runPsqlFile(production, join(dir, 'fix.sql'))
    t.not(psql.code, 0)
    t.match(psql.stderr, /column "kind" of relation "events" contains null values/)
    t.same((await findings(production)).findings, BEFORE, 'one transaction: nothing half done')
  })

  t.test('Alembic runs the alembic format on a copy stamped at its base, then diff exits 0; downgrade undoes it', async (t) => {
    const production = await database(PRODUCTION + STAMP)
    const project = t.testdir({})
    const versions = writeAlembicProject(project, 'base0001')
    const rev = await runCli(['diff', '--from', staging, '--to', production, '--format', 'alembic', '--versions-dir', versions], {})
    t.equal(rev.code, 1, rev.stderr)
    const id = /^revision = '([0-9a-f]{12})'$/m.exec(rev.stdout)?.[1]
    t.ok(id, 'a revision id')
    t.match(rev.stdout, /^down_revision = 'base0001'$/m, 'follows the current head')
    t.match(rev.stdout, /op\.create_table\(\n {8}'typed',\n {8}sa\.Column\('i2', sa\.SmallInteger\(\), server_default=sa\.text\('0'\), nullable=False\),/)
    t.match(rev.stdout, /op\.add_column\('pdfs', sa\.Column\('processing_started_at', sa\.DateTime\(\), nullable=True\)\)/)
    writeFileSync(join(versions, `${id!}_fix.py`), rev.stdout)
    t.same(await runCli(['heads', '--versions-dir', versions], {}), { code: 0, stdout: `${id!}\n`, stderr: '' }, 'our own reader sees the new head')

    const up = await runAlembic(project, ['upgrade', 'head'], production)
    t.equal(up.code, 0, `alembic upgrade head: ${up.stderr}\n${rev.stdout}`)
    t.same(await findings(production), { code: 0, findings: AFTER }, 'only the extra table and column remain')
    const db = new URL(production).pathname.slice(1)
    t.same(await server.query('SELECT version_num FROM alembic_version', [], db), [{ version_num: id }], 'at the new revision')

    const down = await runAlembic(project, ['downgrade', 'base0001'], production)
    t.equal(down.code, 0, `alembic downgrade: ${down.stderr}`)
    t.same((await findings(production)).findings, BEFORE.filter((f) => !f.startsWith('type_mismatch')),
      'everything undone but the type changes (going back would narrow: a comment)')
  })

  t.test('odd identifiers: keywords, mixed case, spaces, quotes, % and : survive psql and Alembic', async (t) => {
    const ODD_FROM = `
      CREATE SCHEMA "Audit";
      CREATE TABLE "my table" ("user" integer NOT NULL DEFAULT 1, "Mixed Case" text, "say ""hi""" text DEFAULT 'it''s', "pct%:x" integer, "select" int);
      CREATE TABLE "Audit"."Events" (id bigint NOT NULL, "order" text);
      CREATE TABLE "Audit".plain (id serial NOT NULL);`
    const ODD_TO = `
      CREATE SCHEMA "Audit";
      CREATE TABLE "my table" ("user" integer, "select" int);
      CREATE TABLE "Audit".plain (id integer NOT NULL);`
    const from = await database(ODD_FROM)
    const env = { SCHEMAS: 'public,Audit' }
    const diff = async (to: string) => await runCli(['diff', '--from', from, '--to', to], env)

    const viaPsql = await database(ODD_TO)
    const sql = await runCli(['diff', '--from', from, '--to', viaPsql, '--format', 'sql'], env)
    t.match(sql.stdout, 'CREATE TABLE "Audit"."Events" (\n  id bigint NOT NULL,\n  "order" text\n);')
    t.match(sql.stdout, 'ALTER TABLE public."my table" ADD COLUMN "say ""hi""" text DEFAULT \'it\'\'s\'::text;')
    t.match(sql.stdout, 'ALTER TABLE public."my table" ALTER COLUMN "user" SET NOT NULL;')
    t.match(sql.stdout, 'CREATE SEQUENCE IF NOT EXISTS "Audit".plain_id_seq;')
    const dir = t.testdir({ 'fix.sql': sql.stdout })
    const psql = await runPsqlFile(viaPsql, join(dir, 'fix.sql'))
    t.equal(psql.code, 0, `psql: ${psql.stderr}\n${sql.stdout}`)
    const after = await diff(viaPsql)
    t.equal(after.code, 0, after.stdout)

    const viaAlembic = await database(ODD_TO + STAMP)
    const project = t.testdir({})
    const versions = writeAlembicProject(project, 'base0001')
    const rev = await runCli(['diff', '--from', from, '--to', viaAlembic, '--format', 'alembic', '--versions-dir', versions], env)
    t.match(rev.stdout, "op.add_column('my table', sa.Column('say \"hi\"', sa.Text(), server_default=sa.text(\"'it''s'::text\"), nullable=True))")
    t.match(rev.stdout, "op.create_table(\n        'Events',\n        sa.Column('id', sa.BigInteger(), nullable=False),\n        sa.Column('order', sa.Text(), nullable=True),\n        schema='Audit',\n    )")
    writeFileSync(join(versions, 'fix_odd.py'), rev.stdout)
    const up = await runAlembic(project, ['upgrade', 'head'], viaAlembic)
    t.equal(up.code, 0, `alembic: ${up.stderr}\n${rev.stdout}`)
    const afterAlembic = await diff(viaAlembic)
    t.equal(afterAlembic.code, 0, afterAlembic.stdout)
  })
}
