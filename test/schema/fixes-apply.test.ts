// The fixes for keys, constraints, indexes and enums run for real: the SQL script through psql,
// the revision file through Alembic, on two copies of one database; both end with the same
// constraints, indexes and labels as pg_catalog reports them, and downgrade() takes them away.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import type { ExpectedSchema } from '../../src/expectation.js'
import type { Finding } from '../../src/schema/findings.js'
import { fixContext } from '../../src/schema/fixes/registry.js'
import { alembicRevision, sqlScript } from '../../src/schema/fixes/script.js'
import { missingAlembic, runAlembic, writeAlembicProject } from '../helpers/alembic-project.js'
import { startPostgres } from '../helpers/postgres.js'
import { missingPsql, runPsqlFile } from '../helpers/psql.js'

const skip = missingPsql() || missingAlembic()
if (skip !== false) {
  t.plan(0, `fixes apply: ${skip}`)
} else {
  const server = await startPostgres()
  t.teardown(() => server.destroy())

  const TARGET = `
    CREATE SCHEMA audit;
    CREATE TYPE pdf_status AS ENUM ('pending', 'done');
    CREATE TABLE users (id integer PRIMARY KEY);
    CREATE TABLE pdfs (id integer NOT NULL, user_id integer, status text, page_count integer);
    CREATE INDEX ix_pdfs_user ON pdfs (user_id);
    UPDATE pg_catalog.pg_index SET indisvalid = false WHERE indexrelid = 'ix_pdfs_user'::regclass;
    INSERT INTO users VALUES (1), (2);
    INSERT INTO pdfs VALUES (1, 1, 'pending', 3), (2, 2, 'done', 0);`
  const source = {
    file: 'models.json',
    tables: [
      {
        name: 'pdfs',
        columns: new Map([['id', { type: 'integer', nullable: false }], ['user_id', { type: 'integer' }], ['status', { type: 'text' }], ['page_count', { type: 'integer' }]]),
        primaryKey: { columns: ['id'], name: 'pk_pdfs' },
        unique: [{ columns: ['user_id', 'status'] }],
        foreignKeys: [{ columns: ['user_id'], references: { table: 'users', columns: ['id'] }, onDelete: 'set null', name: 'fk_pdfs_user_id_users' }],
        indexes: [
          { name: 'ix_pdfs_pending', columns: ['status'], where: "status = 'pending'" },
          { name: 'ix_pdfs_lower', columns: ['lower(status)', 'id DESC'], using: 'btree' },
          { name: 'ix_pdfs_user', columns: ['user_id'] }
        ],
        checks: [{ name: 'ck_pdfs_page_count_nonneg', expression: 'page_count >= 0' }]
      },
      {
        schema: 'audit',
        name: 'Events',
        columns: new Map([['id', { type: 'bigint', nullable: false }], ['pdf_id', { type: 'integer' }], ['kind', { type: 'audit.kind' }]]),
        primaryKey: { columns: ['id'] },
        foreignKeys: [{ columns: ['pdf_id'], references: { schema: 'public', table: 'pdfs', columns: ['id'] }, onDelete: 'cascade' }],
        indexes: [{ name: 'ix_events_pdf', columns: ['pdf_id'] }]
      }
    ],
    enums: [{ name: 'pdf_status', labels: ['pending', 'processing', 'done', 'failed'] }, { schema: 'audit', name: 'kind', labels: ['login', 'upload'] }]
  } as unknown as ExpectedSchema
  const f = (fields: Record<string, unknown>) => ({ severity: 'fail', message: 'm', ...fields }) as unknown as Finding
  // As schema:drift sorts them: by subject, then kind, then name or value.
  const FINDINGS = [
    f({ kind: 'missing_table', table: 'audit.Events' }),
    f({ kind: 'missing_primary_key', table: 'public.pdfs', columns: ['id'], name: 'pk_pdfs' }),
    f({ kind: 'missing_unique', table: 'public.pdfs', columns: ['user_id', 'status'] }),
    f({ kind: 'missing_foreign_key', table: 'public.pdfs', columns: ['user_id'], name: 'fk_pdfs_user_id_users' }),
    f({ kind: 'missing_index', table: 'public.pdfs', columns: ['lower(status)', 'id DESC'], name: 'ix_pdfs_lower' }),
    f({ kind: 'missing_index', table: 'public.pdfs', columns: ['status'], name: 'ix_pdfs_pending' }),
    f({ kind: 'invalid_index', table: 'public.pdfs', columns: ['user_id'], name: 'ix_pdfs_user' }),
    f({ kind: 'missing_check', table: 'public.pdfs', name: 'ck_pdfs_page_count_nonneg' }),
    f({ kind: 'missing_enum', type: 'audit.kind' }),
    f({ kind: 'missing_enum_value', type: 'public.pdf_status', value: 'failed' }),
    f({ kind: 'missing_enum_value', type: 'public.pdf_status', value: 'processing' })
  ]
  const ctx = fixContext(source, ['public'])

  const STATE = `
    SELECT 'constraint ' || n.nspname || '.' || c.conname || ' ' || pg_catalog.pg_get_constraintdef(c.oid) AS item
      FROM pg_catalog.pg_constraint c JOIN pg_catalog.pg_namespace n ON n.oid = c.connamespace WHERE n.nspname IN ('public', 'audit')
    UNION ALL
    SELECT 'index ' || schemaname || '.' || indexname || ' ' || indexdef || CASE WHEN i.indisvalid THEN '' ELSE ' (invalid)' END
      FROM pg_catalog.pg_indexes x JOIN pg_catalog.pg_index i ON i.indexrelid = (quote_ident(x.schemaname) || '.' || quote_ident(x.indexname))::regclass
     WHERE schemaname IN ('public', 'audit')
    UNION ALL
    SELECT 'enum ' || n.nspname || '.' || t.typname || ' ' || pg_catalog.array_to_string(ARRAY(SELECT e.enumlabel FROM pg_catalog.pg_enum e WHERE e.enumtypid = t.oid ORDER BY e.enumsortorder), ',')
      FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace WHERE t.typtype = 'e'
    ORDER BY 1`
  const state = async (db: string) => (await server.query<{ item: string }>(STATE, [], db)).map((r) => r.item)
  const WANT = [
    'constraint audit.Events_pdf_id_fkey FOREIGN KEY (pdf_id) REFERENCES pdfs(id) ON DELETE CASCADE',
    'constraint audit.Events_pkey PRIMARY KEY (id)',
    'constraint public.ck_pdfs_page_count_nonneg CHECK ((page_count >= 0))',
    'constraint public.fk_pdfs_user_id_users FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE SET NULL',
    'constraint public.pdfs_user_id_status_key UNIQUE (user_id, status)',
    'constraint public.pk_pdfs PRIMARY KEY (id)',
    'constraint public.users_pkey PRIMARY KEY (id)',
    'enum audit.kind login,upload',
    'enum public.pdf_status pending,processing,done,failed',
    'index audit.Events_pkey CREATE UNIQUE INDEX "Events_pkey" ON audit."Events" USING btree (id)',
    'index audit.ix_events_pdf CREATE INDEX ix_events_pdf ON audit."Events" USING btree (pdf_id)',
    'index public.ix_pdfs_lower CREATE INDEX ix_pdfs_lower ON public.pdfs USING btree (lower(status), id DESC)',
    "index public.ix_pdfs_pending CREATE INDEX ix_pdfs_pending ON public.pdfs USING btree (status) WHERE (status = 'pending'::text)",
    'index public.ix_pdfs_user CREATE INDEX ix_pdfs_user ON public.pdfs USING btree (user_id)',
    'index public.pdfs_user_id_status_key CREATE UNIQUE INDEX pdfs_user_id_status_key ON public.pdfs USING btree (user_id, status)',
    'index public.pk_pdfs CREATE UNIQUE INDEX pk_pdfs ON public.pdfs USING btree (id)',
    'index public.users_pkey CREATE UNIQUE INDEX users_pkey ON public.users USING btree (id)'
  ]

  t.test('psql runs the script', async (t) => {
    const url = await server.createDatabase()
    const db = new URL(url).pathname.slice(1)
    await server.query(TARGET, [], db)
    const script = sqlScript(FINDINGS, ctx, { from: 'models', to: 'db' })
    const dir = t.testdir({ 'fix.sql': script })
    const psql = await runPsqlFile(url, join(dir, 'fix.sql'))
    t.equal(psql.code, 0, `psql: ${psql.stderr}\n${script}`)
    t.same(await state(db), WANT)
  })

  t.test('Alembic runs the revision, and downgrade takes back what it can', async (t) => {
    const url = await server.createDatabase()
    const db = new URL(url).pathname.slice(1)
    await server.query(TARGET + " CREATE TABLE alembic_version (version_num varchar(32) NOT NULL PRIMARY KEY); INSERT INTO alembic_version VALUES ('base0001');", [], db)
    const before = await state(db)
    const project = t.testdir({})
    const versions = writeAlembicProject(project, 'base0001')
    const revision = alembicRevision(FINDINGS, ctx, { from: 'models', to: 'db', revision: 'fix0002', downRevisions: ['base0001'], createDate: new Date(0) })
    writeFileSync(join(versions, 'fix0002_fix.py'), revision)
    const up = await runAlembic(project, ['upgrade', 'head'], url)
    t.equal(up.code, 0, `alembic upgrade: ${up.stderr}\n${revision}`)
    t.same((await state(db)).filter((s) => !s.includes('alembic_version')), WANT)
    const down = await runAlembic(project, ['downgrade', 'base0001'], url)
    t.equal(down.code, 0, `alembic downgrade: ${down.stderr}`)
    // Enum labels stay (removing one recreates the type) and the rebuilt index stays valid.
    const labelsStay = (s: string) => s.startsWith('enum public.pdf_status') ? 'enum public.pdf_status pending,processing,done,failed' : s.replace(' (invalid)', '')
    t.same(await state(db), before.map(labelsStay))
  })
}
