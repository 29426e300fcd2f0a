// Keys, constraints, indexes and enums read from a real catalog on PostgreSQL 15, 17 and 18:
// a database that uses every feature checks clean against its own snapshot (YAML and JSON),
// and each planted drift is found as exactly its finding.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { runCheck } from '../../src/commands/check.js'
import { runSnapshot } from '../../src/commands/snapshot.js'
import { loadConfig } from '../../src/config.js'
import type { CheckResult } from '../../src/report.js'
import type { DriftFacts } from '../../src/schema/findings.js'
import { hasMajor, PG_MAJORS, startPostgres, type TestPostgres } from '../helpers/postgres.js'

// Every column type too (all-types.sql): the whole catalog read is exercised on each major.
const FIXTURE = readFileSync(new URL('../fixtures/all-types.sql', import.meta.url), 'utf8') +
  readFileSync(new URL('../fixtures/constraints.sql', import.meta.url), 'utf8')
// PostgreSQL 18 keeps NOT NULL as pg_constraint rows (contype 'n') and has virtual generated columns.
const PG18 = `CREATE TABLE gen (id integer PRIMARY KEY, a integer NOT NULL, b integer GENERATED ALWAYS AS (a * 2) VIRTUAL, c integer GENERATED ALWAYS AS (a + 1) STORED,
  CONSTRAINT ck_gen CHECK (a > 0));`

async function drift (url: string, file: string) {
  const config = loadConfig({ DATABASE_URL: url, EXPECTED_SCHEMA: file, SCHEMAS: 'public,app', CHECK_TIMEOUT_MS: '10000' }, {}, { requireDatabase: true })
  const check = (await runCheck(config, 'json')).report.checks.find((c) => c.name === 'schema:drift')! as CheckResult<DriftFacts>
  return {
    check,
    findings: (check.facts?.findings ?? []).map((f) => [f.severity, f.kind, f.table ?? f.type, f.column ?? f.name ?? f.value].filter((x) => x !== undefined).join(' '))
  }
}

const PLANTED = `
ALTER TABLE pdfs DROP CONSTRAINT pk_pdfs CASCADE;
ALTER TABLE users DROP CONSTRAINT users_email_key;
ALTER TABLE users ADD CONSTRAINT users_org_key UNIQUE (org_id);
ALTER TABLE pdfs DROP CONSTRAINT fk_pdfs_user;
ALTER TABLE app.memberships DROP CONSTRAINT memberships_user_id_fkey,
  ADD CONSTRAINT memberships_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE SET NULL;
ALTER TABLE audits ADD CONSTRAINT fk_audits_self FOREIGN KEY (id) REFERENCES audits (id);
ALTER TABLE pdfs DROP CONSTRAINT ck_pdfs_page_count_nonneg;
ALTER TABLE users DROP CONSTRAINT ck_users_email, ADD CONSTRAINT ck_users_email CHECK (email LIKE '%@%');
ALTER TABLE measurements ADD CONSTRAINT ck_measurements_id CHECK (id > 0);
DROP INDEX ix_pdfs_tags;
DROP INDEX ix_pdfs_pending; CREATE INDEX ix_pdfs_pending ON pdfs (created_at) WHERE status = 'done';
CREATE INDEX ix_users_email_org ON users (email, org_id);
ALTER TYPE app.audit_kind RENAME TO audit_kind_old;
CREATE TYPE app.audit_kind AS ENUM ('login', 'delete');
ALTER TABLE app.memberships ALTER COLUMN kind TYPE app.audit_kind USING kind::text::app.audit_kind;
DROP TYPE app.audit_kind_old;
ALTER TYPE pdf_status ADD VALUE 'archived';
DROP TYPE "Odd Enum"; CREATE TYPE "Odd Enum" AS ENUM ('it''s', 'a b', '');
DROP TYPE empty_enum;
INSERT INTO audits (id, at_date) VALUES (1, '2025-01-01'), (2, '2025-01-01');`

const FOUND = [
  'warn foreign_key_mismatch app.memberships memberships_user_id_fkey',
  'warn missing_foreign_key public.audits audits_pdf_id_fkey', // dropped with pk_pdfs (CASCADE)
  'warn invalid_index public.audits ix_audits_at_date',
  'info extra_foreign_key public.audits fk_audits_self',
  'info extra_check public.measurements ck_measurements_id',
  'fail missing_primary_key public.pdfs pk_pdfs',
  'warn missing_foreign_key public.pdfs fk_pdfs_user',
  'warn missing_index public.pdfs ix_pdfs_tags',
  'warn index_mismatch public.pdfs ix_pdfs_pending',
  'warn missing_check public.pdfs ck_pdfs_page_count_nonneg',
  'fail missing_unique public.users users_email_key',
  'warn check_mismatch public.users ck_users_email',
  'info extra_index public.users ix_users_email_org',
  'info extra_unique public.users users_org_key',
  'fail missing_enum_value app.audit_kind upload',
  'info enum_order_mismatch public.Odd Enum',
  'fail missing_enum public.empty_enum',
  'info extra_enum_value public.pdf_status archived'
]

for (const major of PG_MAJORS) {
  t.test(`PostgreSQL ${major}`, { skip: hasMajor(major) || process.env.CI === 'true' ? false : `PostgreSQL ${major} binaries not installed` }, async (t) => {
    const server: TestPostgres = await startPostgres({ major })
    t.teardown(() => server.destroy())
    const url = await server.createDatabase()
    const db = new URL(url).pathname.slice(1)
    await server.query(FIXTURE + (major >= 18 ? PG18 : ''), [], db)
    const config = loadConfig({ DATABASE_URL: url, SCHEMAS: 'public,app' }, {}, { requireDatabase: true })
    const dir = t.testdir({ 'm.yaml': await runSnapshot(config, 'yaml'), 'm.json': await runSnapshot(config, 'json') })

    for (const file of ['m.yaml', 'm.json']) {
      const clean = await drift(url, join(dir, file))
      t.same(clean.findings, [], `${file}: snapshot then check finds nothing`)
      t.equal(clean.check.status, 'pass')
    }
    const manifest = readFileSync(join(dir, 'm.yaml'), 'utf8')
    t.match(manifest, /ix_pdfs_user_created, columns: \[ user_id, created_at DESC NULLS LAST \]/, 'index columns with their ordering')
    t.match(manifest, /foreign_keys:\n {6}- \{ columns: \[ user_id \], references: \{ table: users, columns: \[ id \] \}, on_delete: set null, on_update: cascade, name: fk_pdfs_user \}/)
    t.match(manifest, /enums:\n {2}Odd Enum: \[ a b, it's, "" \]\n {2}empty_enum: \[\]\n/)
    if (major >= 18) {
      t.match(manifest, /gen:\n {4}columns:\n/, 'the virtual generated column is read')
      t.match(manifest, /checks:\n {6}- \{ name: ck_gen, expression: a > 0 \}\n {4}rls: false\n/, 'NOT NULL constraints are not checks')
    }

    await server.query(PLANTED, [], db)
    // A failed CREATE INDEX CONCURRENTLY leaves an invalid index behind.
    await t.rejects(server.query('CREATE UNIQUE INDEX CONCURRENTLY ix_audits_at_date ON audits (at_date)', [], db), /could not create unique index/)
    const planted = await drift(url, join(dir, 'm.yaml'))
    t.same(planted.findings, FOUND, 'every planted drift, nothing else')
    t.equal(planted.check.status, 'fail')
    const byKind = new Map(planted.check.facts!.findings.map((f) => [f.kind, f]))
    t.same(byKind.get('missing_primary_key'), { kind: 'missing_primary_key', severity: 'fail', table: 'public.pdfs', columns: ['id'], name: 'pk_pdfs', message: 'public.pdfs has no primary key, expected primary key (id)', fix: { sql: 'ALTER TABLE public.pdfs ADD CONSTRAINT pk_pdfs PRIMARY KEY (id);', alembic: "op.create_primary_key('pk_pdfs', 'pdfs', ['id'])" } })
    t.same(byKind.get('missing_enum_value'), { kind: 'missing_enum_value', severity: 'fail', type: 'app.audit_kind', value: 'upload', message: "enum type app.audit_kind lacks label 'upload'", fix: { sql: "ALTER TYPE app.audit_kind ADD VALUE IF NOT EXISTS 'upload' AFTER 'login';", alembic: 'with op.get_context().autocommit_block():\n    op.execute("ALTER TYPE app.audit_kind ADD VALUE IF NOT EXISTS \'upload\' AFTER \'login\';")' } })
    t.same(byKind.get('foreign_key_mismatch')?.actual, { on_delete: 'set null', on_update: 'no action' })
    t.same(byKind.get('index_mismatch')?.actual, { columns: ['created_at'], unique: false, using: 'btree', where: "status = 'done'::pdf_status" })
  })
}
