// Fixes of key, constraint, index and enum findings (the shapes schema:drift gives them), as
// tables of cases (pure: no database).
import t from 'tap'
import type { ExpectedSchema } from '../../src/expectation.js'
import type { Finding } from '../../src/schema/findings.js'
import { attachFixes, FIXERS, fixContext } from '../../src/schema/fixes/registry.js'
import { orderedSteps, sqlScript } from '../../src/schema/fixes/script.js'

// A manifest as the loader builds it, with keys, constraints, indexes and enums.
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
        { name: 'ix_pdfs_pending', columns: ['status'], unique: false, using: 'btree', where: "status = 'pending'" },
        { name: 'ix_pdfs_lower', columns: ['lower(status)', 'id DESC'], using: 'btree' }
      ],
      checks: [{ name: 'ck_pdfs_page_count_nonneg', expression: 'page_count >= 0' }]
    },
    { schema: 'audit', name: 'Events', columns: new Map([['id', { type: 'bigint', nullable: false }], ['pdf_id', { type: 'integer' }]]), primaryKey: { columns: ['id'] }, foreignKeys: [{ columns: ['pdf_id'], references: { schema: 'public', table: 'pdfs', columns: ['id'] }, onDelete: 'cascade' }], indexes: [{ columns: ['pdf_id'] }] }
  ],
  enums: [{ name: 'pdf_status', labels: ['pending', 'processing', 'done', 'failed'] }, { schema: 'audit', name: 'kind', labels: ['login', 'upload'] }]
} as unknown as ExpectedSchema
const ctx = fixContext(source, ['public'])
const finding = (fields: Record<string, unknown>): Finding => ({ severity: 'warn', message: 'm', ...fields }) as unknown as Finding
const fixOf = (fields: Record<string, unknown>, batch: Finding[] = []) => {
  const f = finding(fields)
  return attachFixes([f, ...batch], ctx)[0]!.fix
}

t.test('every kind schema:drift reports beyond columns has a fixer', async (t) => {
  const kinds = ['missing_primary_key', 'missing_unique', 'missing_foreign_key', 'foreign_key_mismatch', 'missing_index', 'index_mismatch',
    'invalid_index', 'missing_check', 'check_mismatch', 'missing_enum', 'missing_enum_value', 'enum_order_mismatch', 'extra_index',
    'extra_unique', 'extra_foreign_key', 'extra_check', 'extra_enum_value']
  for (const k of kinds) t.type(FIXERS[k], 'function', k)
})

t.test('keys and constraints', async (t) => {
  const cases: Array<[string, Record<string, unknown>, string, string]> = [
    ['missing_primary_key', { kind: 'missing_primary_key', table: 'public.pdfs', columns: ['id'], name: 'pk_pdfs' },
      'ALTER TABLE public.pdfs ADD CONSTRAINT pk_pdfs PRIMARY KEY (id);', "op.create_primary_key('pk_pdfs', 'pdfs', ['id'])"],
    ['missing_primary_key, unnamed: PostgreSQL\'s name', { kind: 'missing_primary_key', table: 'audit.Events', columns: ['id'] },
      'ALTER TABLE audit."Events" ADD CONSTRAINT "Events_pkey" PRIMARY KEY (id);', "op.create_primary_key('Events_pkey', 'Events', ['id'], schema='audit')"],
    ['missing_primary_key where another exists: a comment', { kind: 'missing_primary_key', table: 'public.pdfs', columns: ['id'], actual: { columns: ['user_id'] } },
      '-- public.pdfs has primary key (user_id), expected (id): replacing it may break foreign keys that refer to it; do it by hand',
      '# public.pdfs has primary key (user_id), expected (id): replacing it may break foreign keys that refer to it; do it by hand'],
    ['missing_unique', { kind: 'missing_unique', table: 'public.pdfs', columns: ['user_id', 'status'] },
      'ALTER TABLE public.pdfs ADD CONSTRAINT pdfs_user_id_status_key UNIQUE (user_id, status);',
      "op.create_unique_constraint('pdfs_user_id_status_key', 'pdfs', ['user_id', 'status'])"],
    ['missing_foreign_key', { kind: 'missing_foreign_key', table: 'public.pdfs', columns: ['user_id'], name: 'fk_pdfs_user_id_users' },
      'ALTER TABLE public.pdfs ADD CONSTRAINT fk_pdfs_user_id_users FOREIGN KEY (user_id) REFERENCES public.users (id) ON DELETE SET NULL;',
      "op.create_foreign_key('fk_pdfs_user_id_users', 'pdfs', 'users', ['user_id'], ['id'], ondelete='SET NULL')"],
    ['foreign_key_mismatch: dropped and made again in one statement', { kind: 'foreign_key_mismatch', table: 'public.pdfs', columns: ['user_id'], name: 'pdfs_user_id_fkey' },
      'ALTER TABLE public.pdfs DROP CONSTRAINT pdfs_user_id_fkey, ADD CONSTRAINT pdfs_user_id_fkey FOREIGN KEY (user_id) REFERENCES public.users (id) ON DELETE SET NULL;',
      "op.drop_constraint('pdfs_user_id_fkey', 'pdfs', type_='foreignkey')\nop.create_foreign_key('pdfs_user_id_fkey', 'pdfs', 'users', ['user_id'], ['id'], ondelete='SET NULL')"],
    ['missing_check', { kind: 'missing_check', table: 'public.pdfs', name: 'ck_pdfs_page_count_nonneg' },
      'ALTER TABLE public.pdfs ADD CONSTRAINT ck_pdfs_page_count_nonneg CHECK (page_count >= 0);',
      "op.create_check_constraint('ck_pdfs_page_count_nonneg', 'pdfs', 'page_count >= 0')"],
    ['check_mismatch', { kind: 'check_mismatch', table: 'public.pdfs', name: 'ck_pdfs_page_count_nonneg', expected: { expression: 'page_count >= 0' }, actual: { expression: 'page_count > 0' } },
      'ALTER TABLE public.pdfs DROP CONSTRAINT ck_pdfs_page_count_nonneg, ADD CONSTRAINT ck_pdfs_page_count_nonneg CHECK (page_count >= 0);',
      "op.drop_constraint('ck_pdfs_page_count_nonneg', 'pdfs', type_='check')\nop.create_check_constraint('ck_pdfs_page_count_nonneg', 'pdfs', 'page_count >= 0')"],
    ['extra_unique: a comment', { kind: 'extra_unique', table: 'public.pdfs', columns: ['status'], name: 'pdfs_status_key' },
      '-- public.pdfs: unique pdfs_status_key is not in the source; the application may rely on it. If it must go:\n-- ALTER TABLE public.pdfs DROP CONSTRAINT pdfs_status_key;',
      '# public.pdfs: unique pdfs_status_key is not in the source; the application may rely on it. If it must go:\n# ALTER TABLE public.pdfs DROP CONSTRAINT pdfs_status_key;']
  ]
  for (const [name, fields, sql, alembic] of cases) t.same(fixOf(fields), { sql, alembic }, name)
})

t.test('indexes', async (t) => {
  const note = 'on a large, busy table run it as CREATE INDEX CONCURRENTLY, outside a transaction: a plain CREATE INDEX blocks writes while it builds'
  const cases: Array<[string, Record<string, unknown>, string, string]> = [
    ['missing_index, partial', { kind: 'missing_index', table: 'public.pdfs', columns: ['status'], name: 'ix_pdfs_pending' },
      `-- ${note}\nCREATE INDEX ix_pdfs_pending ON public.pdfs (status) WHERE status = 'pending';`,
      `# ${note}\nop.create_index('ix_pdfs_pending', 'pdfs', ['status'], postgresql_where=sa.text("status = 'pending'"))`],
    ['missing_index, expressions and DESC', { kind: 'missing_index', table: 'public.pdfs', columns: ['lower(status)', 'id DESC'], name: 'ix_pdfs_lower' },
      `-- ${note}\nCREATE INDEX ix_pdfs_lower ON public.pdfs ((lower(status)), id DESC);`,
      `# ${note}\nop.create_index('ix_pdfs_lower', 'pdfs', [sa.text('(lower(status))'), sa.text('id DESC')])`],
    ['index_mismatch', { kind: 'index_mismatch', table: 'public.pdfs', columns: ['status'], name: 'ix_pdfs_pending' },
      "DROP INDEX public.ix_pdfs_pending;\nCREATE INDEX ix_pdfs_pending ON public.pdfs (status) WHERE status = 'pending';",
      "op.drop_index('ix_pdfs_pending', table_name='pdfs')\nop.create_index('ix_pdfs_pending', 'pdfs', ['status'], postgresql_where=sa.text(\"status = 'pending'\"))"],
    ['invalid_index', { kind: 'invalid_index', table: 'public.pdfs', columns: ['status'], name: 'ix_pdfs_pending' },
      'REINDEX INDEX public.ix_pdfs_pending;', "op.execute('REINDEX INDEX public.ix_pdfs_pending;')"],
    ['extra_index: a comment', { kind: 'extra_index', table: 'public.pdfs', columns: ['status'], name: 'ix_old' },
      '-- public.pdfs: index ix_old is not in the source; queries may rely on it. If it must go:\n-- DROP INDEX public.ix_old;',
      '# public.pdfs: index ix_old is not in the source; queries may rely on it. If it must go:\n# DROP INDEX public.ix_old;']
  ]
  for (const [name, fields, sql, alembic] of cases) t.same(fixOf(fields), { sql, alembic }, name)
})

t.test('enums', async (t) => {
  t.same(fixOf({ kind: 'missing_enum', type: 'audit.kind' }), {
    sql: "CREATE TYPE audit.kind AS ENUM ('login', 'upload');", alembic: "op.execute(\"CREATE TYPE audit.kind AS ENUM ('login', 'upload');\")"
  })
  const missing = (value: string) => finding({ kind: 'missing_enum_value', type: 'public.pdf_status', value })
  t.equal(fixOf({ kind: 'missing_enum_value', type: 'public.pdf_status', value: 'failed' })?.sql, "ALTER TYPE public.pdf_status ADD VALUE IF NOT EXISTS 'failed' AFTER 'done';")
  t.equal(fixOf({ kind: 'missing_enum_value', type: 'public.pdf_status', value: 'pending' })?.sql, "ALTER TYPE public.pdf_status ADD VALUE IF NOT EXISTS 'pending' BEFORE 'processing';")
  t.equal(fixOf({ kind: 'missing_enum_value', type: 'public.pdf_status', value: 'pending' }, [missing('processing')])?.sql,
    "ALTER TYPE public.pdf_status ADD VALUE IF NOT EXISTS 'pending' BEFORE 'done';", 'before the first label the database has')
  t.match(fixOf({ kind: 'enum_order_mismatch', type: 'public.pdf_status' })?.sql, /^-- public\.pdf_status orders its labels differently from the source: changing that means recreating the type/)
  t.match(fixOf({ kind: 'extra_enum_value', type: 'public.pdf_status', value: 'x' })?.sql, /^-- public\.pdf_status has label 'x' that the source does not/)
  // The script adds a type's labels in their order whatever the findings' order.
  const labels = ['processing', 'done', 'failed'].map(missing).sort((a, b) => ((a as unknown as { value: string }).value < (b as unknown as { value: string }).value ? -1 : 1))
  t.same(orderedSteps(labels, ctx).map(({ step }) => step.sql), [
    "ALTER TYPE public.pdf_status ADD VALUE IF NOT EXISTS 'processing' AFTER 'pending';",
    "ALTER TYPE public.pdf_status ADD VALUE IF NOT EXISTS 'done' AFTER 'processing';",
    "ALTER TYPE public.pdf_status ADD VALUE IF NOT EXISTS 'failed' AFTER 'done';"
  ])
  // A label added inside a transaction cannot be used (a default, a partial index) until it commits.
  const script = sqlScript([finding({ kind: 'missing_index', table: 'public.pdfs', columns: ['status'], name: 'ix_pdfs_pending' }), missing('done')], ctx, { from: 'a', to: 'b' })
  t.ok(script.indexOf("ADD VALUE IF NOT EXISTS 'done'") < script.indexOf('BEGIN;'), 'labels are added before the transaction')
  t.ok(script.indexOf('BEGIN;') < script.indexOf('CREATE INDEX'), 'the rest inside it')
  t.equal(attachFixes([missing('done')], ctx)[0]!.fix?.alembic,
    "with op.get_context().autocommit_block():\n    op.execute(\"ALTER TYPE public.pdf_status ADD VALUE IF NOT EXISTS 'done' AFTER 'processing';\")", 'in Alembic, an autocommit block')
})

t.test('a missing table: its keys inside CREATE TABLE, foreign keys and indexes after every table', async (t) => {
  const findings = [finding({ kind: 'missing_table', table: 'audit.Events' }), finding({ kind: 'missing_table', table: 'public.pdfs' }), finding({ kind: 'missing_enum', type: 'public.pdf_status' })]
  t.same(orderedSteps(findings, ctx).map(({ finding, step }) => `${step.phase} ${(finding as { table?: string }).table ?? (finding as unknown as { type: string }).type}`), [
    'type public.pdf_status', 'table audit.Events', 'table public.pdfs', 'index audit.Events', 'index public.pdfs', 'index public.pdfs', 'foreign_key audit.Events', 'foreign_key public.pdfs'
  ].sort((a, b) => ['type', 'table', 'key', 'index', 'foreign_key'].indexOf(a.split(' ')[0]!) - ['type', 'table', 'key', 'index', 'foreign_key'].indexOf(b.split(' ')[0]!)))
  const pdfs = attachFixes([findings[1]!], ctx)[0]!.fix!
  t.match(pdfs.sql, 'CREATE TABLE public.pdfs (\n  id integer NOT NULL,\n  user_id integer,\n  status text,\n  page_count integer,\n  CONSTRAINT pk_pdfs PRIMARY KEY (id),\n  UNIQUE (user_id, status),\n  CONSTRAINT ck_pdfs_page_count_nonneg CHECK (page_count >= 0)\n);')
  t.match(pdfs.alembic, "    sa.PrimaryKeyConstraint('id', name='pk_pdfs'),\n    sa.UniqueConstraint('user_id', 'status'),\n    sa.CheckConstraint('page_count >= 0', name='ck_pdfs_page_count_nonneg'),\n)")
  t.match(pdfs.sql, 'ALTER TABLE public.pdfs ADD CONSTRAINT fk_pdfs_user_id_users FOREIGN KEY (user_id) REFERENCES public.users (id) ON DELETE SET NULL;')
  const script = sqlScript(findings, ctx, { from: 'a', to: 'b' })
  t.ok(script.indexOf('CREATE TABLE public.pdfs') < script.indexOf('REFERENCES public.pdfs'), 'the referred table exists before the foreign key')
  t.ok(script.indexOf('CREATE TYPE public.pdf_status') < script.indexOf('CREATE TABLE'), 'types before tables')
})
