import { join } from 'node:path'
import t from 'tap'
import { parseManifest } from '../../src/schema/manifest.js'
import { runCli } from '../helpers/cli.js'
import { startPostgres } from '../helpers/postgres.js'
import { EXPORTER, exportModels, missingSqlalchemy, modelsDdl, runPython } from '../helpers/python.js'

const skip = missingSqlalchemy()
if (skip !== false) {
  t.plan(0, `model exporter: ${skip}`)
} else {
  const server = await startPostgres()
  t.teardown(() => server.destroy())

  t.test('exports types for PostgreSQL, nullability, server defaults and qualified tables', async (t) => {
    const manifest = JSON.parse(await exportModels('typed_models:Base'))
    t.equal(manifest.version, 1)
    t.notOk('alembic' in manifest)
    t.same(Object.keys(manifest.tables), ['everything', 'audit.events'])
    const col = manifest.tables.everything.columns
    t.same(col.id, { type: 'INTEGER', nullable: false }, 'an autoincrement key says nothing about its default')
    t.same(col.big, { type: 'BIGINT', nullable: false }, 'Identity() is not a default')
    t.same(col.file_id, { type: 'VARCHAR(36)', nullable: false })
    t.same(col.name, { type: 'VARCHAR', nullable: false })
    t.same(col.score, { type: 'FLOAT', nullable: true })
    t.same(col.doc, { type: 'JSON', nullable: false, default: "'[]'" })
    t.same(col.status, { type: 'VARCHAR(20)', nullable: false, default: "'active'" }, 'server default wins over the client one')
    t.same(col.checked, { type: 'BOOLEAN', nullable: true }, 'a client-side default= is not a database default')
    t.same(col.counter, { type: 'INTEGER', nullable: true })
    t.same(col.created_at, { type: 'TIMESTAMP WITH TIME ZONE', nullable: false, default: 'now()' })
    t.same(col.mood, { type: 'mood', nullable: true, default: "'happy'" })
    t.same(col.tags, { type: 'VARCHAR(20)[]', nullable: true, default: "'{}'" })
    t.same(col.lower_name, { type: 'VARCHAR', nullable: true }, 'a Computed() expression is not a default')
    t.same(manifest.tables['audit.events'].columns.at, { type: 'TIMESTAMP WITH TIME ZONE', nullable: false, default: 'CURRENT_TIMESTAMP' })
    t.ok(parseManifest(JSON.stringify(manifest), 'export.json'), 'the loader accepts it')
  })

  t.test('the models compare clean with the database they create: no finding of any kind', async (t) => {
    const url = await server.createDatabase()
    await server.query('CREATE SCHEMA audit;\n' + await modelsDdl('typed_models:Base'), [], new URL(url).pathname.slice(1))
    const dir = t.testdir({ 'expected.json': await exportModels('typed_models:Base') })
    const res = await runCli(['check', '--format', 'json', '--expected', join(dir, 'expected.json')], { DATABASE_URL: url })
    const drift = JSON.parse(res.stdout).checks['schema:drift'][0]
    t.same(drift.findings, [])
    t.equal(drift.status, 'pass')
    t.equal(res.code, 0)
  })

  t.test('keys, constraints, indexes and enums as the models declare them', async (t) => {
    const manifest = JSON.parse(await exportModels('contract_models:Base'))
    const { pdfs, users, pdf_pages: pages, annotations, organisations } = manifest.tables
    t.same(manifest.enums, {
      pdf_status: ['PENDING', 'PROCESSING', 'DONE', 'FAILED'],
      plan: ['free', 'pro'],
      'audit.audit_kind': ['login', 'upload', 'delete']
    }, "an enum.Enum's member names, unless values_callable gives the values; the schema of a native enum")
    t.same(pdfs.primary_key, { columns: ['id'], name: 'pk_pdfs' }, 'named by the naming convention')
    t.same(pages.primary_key, { columns: ['pdf_id', 'page_no'], name: 'pk_pdf_pages' }, 'a composite primary key')
    t.same(pdfs.unique, [{ columns: ['file_hash'], name: 'uq_pdfs_file_hash' }], 'unique=True is a unique constraint')
    t.same(users.unique, [{ columns: ['org_id', 'email'], name: 'uq_users_org_id' }])
    t.same(pdfs.foreign_keys, [{ columns: ['user_id'], references: { table: 'users', columns: ['id'] }, on_delete: 'set null', on_update: 'cascade', name: 'fk_pdfs_user_id_users' }])
    t.same(annotations.foreign_keys[0].columns, ['pdf_id', 'page_no'], 'a composite foreign key')
    t.same(manifest.tables['audit.deliveries'].foreign_keys[0].references, { table: 'audit.events', columns: ['id'] }, 'into the second schema')
    t.same(pdfs.indexes, [
      { columns: ['created_at'], unique: false, using: 'btree', where: "status = 'PENDING'", name: 'ix_pdfs_pending' },
      { columns: ['tags'], unique: false, using: 'gin', where: null, name: 'ix_pdfs_tags' },
      { columns: ['user_id', 'created_at DESC'], unique: false, using: 'btree', where: null, name: 'ix_pdfs_user_recent' }
    ], 'postgresql_where, postgresql_using, desc()')
    t.same(users.indexes, [
      { columns: ['lower(email)'], unique: true, using: 'btree', where: null, name: 'ix_users_lower_email' },
      { columns: ['nickname'], unique: false, using: 'btree', where: null, name: 'ix_users_nickname' }
    ], 'an expression index; index=True')
    t.same(pages.checks, [{ expression: 'page_no BETWEEN 1 AND 10000', name: 'ck_pdf_pages_page_no_range' }])
    t.same(organisations.indexes, [], 'lists written even when empty: an extra object is then reported')
    t.ok(parseManifest(JSON.stringify(manifest), 'export.json'), 'the loader accepts it')
  })

  t.test('the contract models compare clean with the database create_all makes', async (t) => {
    const url = await server.createDatabase()
    await server.query('CREATE SCHEMA audit;\n' + await modelsDdl('contract_models:Base'), [], new URL(url).pathname.slice(1))
    const dir = t.testdir({ 'expected.json': await exportModels('contract_models:Base') })
    const res = await runCli(['check', '--format', 'json', '--expected', join(dir, 'expected.json'), '--schemas', 'public,audit'], { DATABASE_URL: url })
    const drift = JSON.parse(res.stdout).checks['schema:drift'][0]
    t.same(drift.findings, [])
    t.equal(res.code, 0)
  })

  t.test('a MetaData object, a nested attribute and --alembic-heads', async (t) => {
    const viaMetadata = JSON.parse(await exportModels('typed_models:Base.metadata', ['--alembic-heads', 'a1b2c3, d4e5f6']))
    t.same(viaMetadata.alembic, { heads: ['a1b2c3', 'd4e5f6'] })
    t.same(Object.keys(viaMetadata.tables), ['everything', 'audit.events'])
  })

  t.test('one line per column keeps exports diffable', async (t) => {
    const text = await exportModels('incident_models:Base')
    t.match(text, /^ {8}"processing_started_at": \{"type": "TIMESTAMP WITHOUT TIME ZONE", "nullable": true\},?$/m)
  })

  t.test("row-level security, policies and grants from a table's info", async (t) => {
    const text = await exportModels('secured_models:Base')
    const manifest = JSON.parse(text)
    t.same(manifest.tables.lab_reports.rls, true)
    t.same(manifest.tables.lab_reports.grants, { authenticated: ['select'] })
    t.notOk('rls' in manifest.tables.notes, 'a table without them: not compared')
    t.match(text, /^ {8}"read own": \{"command": "select", /m, 'one line per policy')
    const url = await server.createDatabase()
    await server.query(`CREATE ROLE authenticated NOLOGIN;\n${await modelsDdl('secured_models:Base')};
      ALTER TABLE lab_reports ENABLE ROW LEVEL SECURITY;
      CREATE POLICY "read own" ON lab_reports FOR SELECT TO authenticated USING (owner = current_user);
      GRANT SELECT ON lab_reports TO authenticated`, [], new URL(url).pathname.slice(1))
    const dir = t.testdir({ 'expected.json': text })
    const res = await runCli(['check', '--format', 'json', '--expected', join(dir, 'expected.json')], { DATABASE_URL: url })
    t.same(JSON.parse(res.stdout).checks['schema:drift'][0].findings, [], 'the models compare clean with a database that does what they say')
    t.equal(res.code, 0)
    const bad = await runPython([EXPORTER, 'secured_models:bad'])
    t.equal(bad.code, 2)
    t.equal(bad.stderr, "export_models: t: info['schema_sentinel'] has unknown key 'polices' (expected rls, force_rls, policies, grants)\n")
  })

  t.test('--alembic-heads that are not revision ids (a failed "$(alembic heads)") exit 2 with one line', async (t) => {
    for (const heads of ['FAILED:', 'abc123,bad rev']) {
      const res = await runPython([EXPORTER, 'typed_models:Base', '--alembic-heads', heads])
      t.equal(res.code, 2, heads)
      t.match(res.stderr, /^export_models: --alembic-heads: "[^"]+" is not a revision id \(letters, digits, _ \. -\); did "alembic heads" fail\?\n$/, heads)
      t.equal(res.stdout, '', `${heads}: no manifest written`)
    }
    const good = await runPython([EXPORTER, 'typed_models:Base', '--alembic-heads', 'abc123, fix_biomarkers_sequence'])
    t.equal(good.code, 0, good.stderr)
    t.same(JSON.parse(good.stdout).alembic, { heads: ['abc123', 'fix_biomarkers_sequence'] })
  })

  t.test('bad targets exit 2 with one line', async (t) => {
    const cases: Array<[string, RegExp]> = [
      ['typed_models', /is not module:attribute/],
      ['no_such_module:Base', /cannot import no_such_module: ModuleNotFoundError/],
      ['typed_models:Nope', /typed_models has no attribute Nope/],
      ['typed_models:Mood', /is neither a declarative Base nor a MetaData object/]
    ]
    for (const [target, message] of cases) {
      const res = await runPython([EXPORTER, target])
      t.equal(res.code, 2, target)
      t.match(res.stderr, message)
      t.match(res.stderr, /^export_models: [^\n]+\n$/, 'one line, no traceback')
      t.equal(res.stdout, '')
    }
  })
}
