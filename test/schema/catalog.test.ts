import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import pg from 'pg'
import t from 'tap'
import { runCheck } from '../../src/commands/check.js'
import { readAlembicHeads } from '../../src/commands/snapshot.js'
import { loadConfig } from '../../src/config.js'
import { Lease } from '../../src/postgres/lease.js'
import type { CheckResult } from '../../src/report.js'
import type { DriftFacts } from '../../src/schema/findings.js'
import { catalogTables, readCatalog, readTableHashes, tableKey, type CatalogSnapshot } from '../../src/schema/catalog.js'
import { manifestJson, manifestYaml, toManifest } from '../../src/schema/to-manifest.js'
import { startPostgres } from '../helpers/postgres.js'

const server = await startPostgres()
t.teardown(() => server.destroy())
const ALL_TYPES = readFileSync(new URL('../fixtures/all-types.sql', import.meta.url), 'utf8')

const database = async (sql: string): Promise<string> => await server.databaseWith(sql)

async function snapshot (url: string, schemas: string[]): Promise<CatalogSnapshot & { heads?: string[] }> {
  const pool = new pg.Pool({ connectionString: url, max: 1 })
  const lease = new Lease(pool, Date.now() + 10_000)
  try {
    const catalog = await readCatalog(lease, schemas)
    const heads = await readAlembicHeads(lease, { table: 'alembic_version' })
    await lease.endTransaction()
    return { ...catalog, ...(heads !== undefined ? { heads } : {}) }
  } finally {
    lease.release(false)
    await pool.end()
  }
}

/** Runs `check` against a manifest file; returns the schema:drift findings as "severity kind table.column". */
async function drift (url: string, manifestFile: string, env: Record<string, string> = {}) {
  const config = loadConfig({ DATABASE_URL: url, EXPECTED_SCHEMA: manifestFile, CHECK_TIMEOUT_MS: '10000', ...env }, {}, { requireDatabase: true })
  const run = await runCheck(config, 'json')
  const check = run.report.checks.find((c) => c.name === 'schema:drift')! as CheckResult<DriftFacts>
  return {
    status: check.strictStatus,
    check,
    findings: (check.facts?.findings ?? []).map((f) => `${f.severity} ${f.kind} ${f.table}${f.column !== undefined ? '.' + f.column : ''}`)
  }
}

t.test('every column type: the catalog reads what format_type prints', async (t) => {
  const url = await database(ALL_TYPES)
  const snap = await snapshot(url, ['public'])
  const table = snap.tables.get(tableKey('public', 'everything'))!
  t.ok(table, 'table read')
  const col = (name: string) => table.columns.find((c) => c.name === name)!
  t.same(col('id'), { name: 'id', type: 'integer', nullable: false, default: "nextval('everything_id_seq'::regclass)" })
  t.same(col('ident_always'), { name: 'ident_always', type: 'integer', nullable: false, default: null, identity: 'always' })
  t.same(col('ident_default'), { name: 'ident_default', type: 'bigint', nullable: false, default: null, identity: 'by default' })
  t.same(col('lower_label'), { name: 'lower_label', type: 'text', nullable: true, default: null, generated: 'lower((label)::text)' })
  t.equal(col('label').type, 'character varying(36)')
  t.equal(col('at_ts3').type, 'timestamp(3) without time zone')
  t.equal(col('names').type, 'character varying(20)[]')
  t.equal(col('level').type, 'audit.level', 'a type outside search_path is qualified')
  t.equal(col('feeling').type, 'mood')
  t.equal(col('Mixed Case').type, 'text')
  t.same(table.columns.map((c) => c.name).slice(0, 3), ['id', 'big_id', 'small_id'], 'table order')
  t.equal(snap.tables.size, 1, 'only the public table (audit is not in SCHEMAS)')
})

t.test('snapshot then check finds nothing, in YAML and JSON', async (t) => {
  const url = await database(ALL_TYPES + `
    CREATE TABLE audit.events (id bigserial PRIMARY KEY, at timestamptz NOT NULL DEFAULT now(), level audit.level NOT NULL);
    CREATE TABLE alembic_version (version_num varchar(32) NOT NULL PRIMARY KEY);
    INSERT INTO alembic_version VALUES ('fix_biomarkers_sequence');`)
  const schemas = ['public', 'audit']
  const snap = await snapshot(url, schemas)
  const manifest = toManifest(snap, { schemas, alembicVersionTable: { table: 'alembic_version' }, alembicHeads: snap.heads })
  t.same(manifest.alembic, { heads: ['fix_biomarkers_sequence'] })
  t.same(Object.keys(manifest.tables), ['everything', 'audit.events'], 'version table left out; other schemas qualified')
  t.equal(Object.keys(manifest.tables.everything!.columns).length, 51)
  for (const column of Object.values(manifest.tables.everything!.columns)) t.same(Object.keys(column), ['type', 'nullable', 'default'])
  const dir = t.testdir({ 'm.yaml': manifestYaml(manifest), 'm.json': manifestJson(manifest) })
  for (const file of ['m.yaml', 'm.json']) {
    const result = await drift(url, join(dir, file), { SCHEMAS: schemas.join(',') })
    t.same(result.findings, [], `${file}: no findings`)
    t.equal(result.status, 'pass')
    t.same({ tables: result.check.facts?.tablesCompared, columns: result.check.facts?.columnsCompared }, { tables: 2, columns: 54 })
  }
})

t.test('planted drift of every kind appears with its severity; DRIFT_SEVERITY overrides', async (t) => {
  const url = await database(ALL_TYPES + `
    CREATE TABLE users (id serial PRIMARY KEY, email varchar(255) NOT NULL);
    CREATE TABLE alembic_version (version_num varchar(32) NOT NULL PRIMARY KEY);`)
  const snap = await snapshot(url, ['public'])
  const dir = t.testdir({ 'm.yaml': manifestYaml(toManifest(snap, { schemas: ['public'], alembicVersionTable: { table: 'alembic_version' } })) })
  const file = join(dir, 'm.yaml')
  await server.query(`
    DROP TABLE users;
    ALTER TABLE everything DROP COLUMN nick;
    ALTER TABLE everything ALTER COLUMN free_text TYPE text;
    ALTER TABLE everything ALTER COLUMN done DROP NOT NULL;
    ALTER TABLE everything ALTER COLUMN body SET DEFAULT 'x';
    ALTER TABLE everything ADD COLUMN surprise integer;
    CREATE TABLE legacy (id integer);
    CREATE VIEW recent AS SELECT id FROM everything;`, [], new URL(url).pathname.slice(1))
  const planted = [
    'info default_mismatch public.everything.body',
    'warn nullability_mismatch public.everything.done',
    'warn type_mismatch public.everything.free_text',
    'fail missing_column public.everything.nick',
    'info extra_column public.everything.surprise',
    'info extra_table public.legacy',
    'fail missing_table public.users'
  ]
  const result = await drift(url, file)
  t.same(result.findings, planted, 'every kind, sorted by table, column, kind; the view is not a table')
  t.equal(result.status, 'fail')
  t.equal(result.check.observedValue, 7)
  t.equal(result.check.output, 'public.everything.nick is expected but missing (and 6 more)')

  const overridden = await drift(url, file, { DRIFT_SEVERITY: 'missing_table=warn,missing_column=ignore,type_mismatch=fail,extra_table=ignore,extra_column=ignore' })
  t.same(overridden.findings, [
    'info default_mismatch public.everything.body',
    'warn nullability_mismatch public.everything.done',
    'fail type_mismatch public.everything.free_text',
    'warn missing_table public.users'
  ])
  t.equal(overridden.check.observedValue, 4, 'ignored findings are not counted')
  const lenient = await drift(url, file, { DRIFT_SEVERITY: 'missing_table=info,missing_column=info,type_mismatch=info,nullability_mismatch=info' })
  t.equal(lenient.status, 'pass', 'info never fails the check')
})

t.test('partitions are not listed; SCHEMAS limits extra tables; Supabase schemas only when named', async (t) => {
  const url = await database(`
    CREATE TABLE measurements (id bigint NOT NULL, at date NOT NULL) PARTITION BY RANGE (at);
    CREATE TABLE measurements_2025 PARTITION OF measurements FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
    CREATE TABLE measurements_2026 PARTITION OF measurements FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
    CREATE VIEW v AS SELECT 1 AS one;
    CREATE MATERIALIZED VIEW mv AS SELECT 1 AS one;
    CREATE SCHEMA other; CREATE TABLE other.thing (id integer);
    CREATE SCHEMA auth; CREATE TABLE auth.users (id uuid PRIMARY KEY, email text);`)
  const snap = await snapshot(url, ['public'])
  t.same([...snap.tables.values()].map((x) => x.name), ['measurements'], 'the partitioned parent only; no views')

  const dir = t.testdir({
    'm.yaml': 'version: 1\ntables:\n  measurements:\n    columns: { id: bigint, at: date }\n  auth.users:\n    columns: { id: integer, gone: {} }\n'
  })
  const file = join(dir, 'm.yaml')
  t.same((await drift(url, file)).findings, [], 'other and auth are not looked at; auth.users is skipped')
  t.same((await drift(url, file, { SCHEMAS: 'public,other' })).findings, ['info extra_table other.thing'])
  t.same((await drift(url, file, { SCHEMAS: 'public,auth' })).findings,
    ['info extra_column auth.users.email', 'fail missing_column auth.users.gone', 'warn type_mismatch auth.users.id'], 'compared once SCHEMAS names auth')
  writeFileSync(file, 'version: 1\ntables:\n  measurements:\n    columns: { id: bigint, at: date }\n  other.thing:\n    columns: { id: text }\n')
  t.same((await drift(url, file)).findings, ['warn type_mismatch other.thing.id'], 'a schema the manifest names is read')
})

t.test('no manifest: pass, nothing compared', async (t) => {
  const url = await database('CREATE TABLE a (id integer);')
  const config = loadConfig({ DATABASE_URL: url }, {}, { requireDatabase: true })
  const check = (await runCheck(config, 'text')).report.checks.find((c) => c.name === 'schema:drift')!
  t.equal(check.status, 'pass')
  t.equal(check.observedValue, 0)
  t.equal(check.facts, undefined)
  t.match(check.output, /no manifest configured/)
})

t.test('the demo: demo/manifest.yaml against demo/schema.sql shows exactly the one planted drift', async (t) => {
  const url = await database(readFileSync(new URL('../../demo/schema.sql', import.meta.url), 'utf8'))
  const manifest = new URL('../../demo/manifest.yaml', import.meta.url).pathname
  t.same((await drift(url, manifest)).findings, ['warn type_mismatch public.pdfs.created_at'])
  await server.query('ALTER TABLE pdfs DROP COLUMN processing_started_at', [], new URL(url).pathname.slice(1))
  t.same((await drift(url, manifest)).findings, ['warn type_mismatch public.pdfs.created_at', 'fail missing_column public.pdfs.processing_started_at'], 'the incident replay')
})

t.test('the cursor delivers every table once across batches, and the drift check streams it', async (t) => {
  const tables = Array.from({ length: 23 }, (_, i) => `CREATE TABLE t${i} (id integer, name text);`).join('\n')
  const url = await database(tables)
  const pool = new pg.Pool({ connectionString: url, max: 1 })
  t.teardown(() => pool.end())
  for (const batch of [1, 5, 23, 24, 100]) {
    const lease = new Lease(pool, Date.now() + 10_000)
    const names: string[] = []
    for await (const { table } of catalogTables(lease, ['public', 'public'], { batch })) names.push(table.name)
    // The cursor is closed after a full read: a second read in the same transaction works.
    const again = await readCatalog(lease, ['public'])
    await lease.endTransaction()
    lease.release(false)
    t.same(names.sort(), Array.from({ length: 23 }, (_, i) => `t${i}`).sort(), `batch ${batch}: 23 tables, each once`)
    t.equal(again.tables.size, 23, `batch ${batch}: read again in the same transaction`)
  }
  const dir = t.testdir({ 'm.yaml': `version: 1\ntables:\n${Array.from({ length: 23 }, (_, i) => `  t${i}: { columns: { id: integer, name: text${i === 7 ? ', gone: text' : ''} } }\n`).join('')}  t99: { columns: { id: integer } }\n` })
  t.same((await drift(url, join(dir, 'm.yaml'))).findings, ['fail missing_column public.t7.gone', 'fail missing_table public.t99'])
})

t.test('a table without columns, and keys named across a dropped column', async (t) => {
  // Keys and index columns come as numbers and are named from the table's columns by attnum:
  // a dropped column leaves a gap in the numbers.
  const url = await database(`
    CREATE TABLE empty ();
    CREATE TABLE parent (a integer, gone integer, b integer, UNIQUE (b, a));
    ALTER TABLE parent DROP COLUMN gone;
    CREATE TABLE child (x integer, gone text, pa integer, pb integer, FOREIGN KEY (pb, pa) REFERENCES parent (b, a));
    ALTER TABLE child DROP COLUMN gone;
    CREATE INDEX child_mixed ON child (pa DESC, lower(x::text), pb) INCLUDE (x);`)
  const snap = await snapshot(url, ['public'])
  t.same(snap.tables.get(tableKey('public', 'empty'))?.columns, [])
  t.same(snap.tables.get(tableKey('public', 'parent'))?.constraints?.map((c) => c.columns), [['b', 'a']])
  const child = snap.tables.get(tableKey('public', 'child'))!
  t.same(child.constraints?.map((c) => [c.columns, c.references]), [[['pb', 'pa'], { schema: 'public', table: 'parent', columns: ['b', 'a'] }]])
  t.same(child.indexes?.map((i) => i.elements.map((e) => [e.text, e.expression, e.desc])), [[['pa', false, true], ['lower(x::text)', true, false], ['pb', false, false]]])
})

t.test('a table read computes the digest the server gives for it (later rounds compare the two)', async (t) => {
  const url = await database(`
    CREATE TABLE "Café" (id bigserial PRIMARY KEY, "naïve" text DEFAULT 'déjà vu' CHECK ("naïve" <> 'ünïcode'), n integer UNIQUE);
    CREATE TABLE child (id integer REFERENCES "Café" (id) ON DELETE CASCADE, note text, x jsonb DEFAULT '{"ä": [1, 2]}');
    CREATE INDEX child_expr ON child (lower(note) DESC) WHERE note <> 'ß';
    CREATE TABLE empty ();`)
  const pool = new pg.Pool({ connectionString: url, max: 1 })
  t.teardown(() => pool.end())
  const lease = new Lease(pool, Date.now() + 10_000)
  try {
    const read = new Map<string, string>()
    for await (const { table, hash } of catalogTables(lease, ['public'])) read.set(table.name, hash)
    const server = new Map((await readTableHashes(lease, ['public'])).map((h) => [h.name, h.hash]))
    t.same([...read.keys()].sort(), ['Café', 'child', 'empty'])
    t.same(read, server)
  } finally {
    await lease.endTransaction()
    lease.release(false)
  }
})
