import t from 'tap'
import { driftOutcome } from '../../src/checks/schema-drift.js'
import type { ExpectedColumn, ExpectedSchema } from '../../src/expectation.js'
import { tableKey, type CatalogColumn, type CatalogSnapshot } from '../../src/schema/catalog.js'
import { diffSchema, SchemaDiff, schemasToRead, type DiffOptions } from '../../src/schema/diff.js'

type Cols = Record<string, ExpectedColumn>
function manifest (tables: Record<string, Cols>): ExpectedSchema {
  return {
    file: 'test.yaml',
    tables: Object.entries(tables).map(([key, cols]) => {
      const [a, b] = key.split('.')
      return { ...(b !== undefined ? { schema: a!, name: b } : { name: a! }), columns: new Map(Object.entries(cols)) }
    })
  }
}
type Live = Partial<CatalogColumn> & { type: string }
function catalog (tables: Record<string, Record<string, Live>>): CatalogSnapshot {
  const map = new Map()
  for (const [key, cols] of Object.entries(tables)) {
    const [schema, name] = key.split('.') as [string, string]
    const columns = Object.entries(cols).map(([n, c]) => ({ name: n, nullable: true, default: null, ...c }))
    map.set(tableKey(schema, name), { schema, name, columns })
  }
  return { schemas: ['public'], tables: map }
}
const OPTS: DiffOptions = { schemas: ['public'], alembicVersionTable: { table: 'alembic_version' }, managedSchemas: new Set(['auth']) }
const kinds = (facts: ReturnType<typeof diffSchema>) => facts.findings.map((f) => `${f.severity} ${f.kind} ${f.table}${f.column !== undefined ? '.' + f.column : ''}`)

const PDFS: Record<string, Live> = {
  id: { type: 'integer', nullable: false, default: "nextval('pdfs_id_seq'::regclass)" },
  file_id: { type: 'character varying(36)', nullable: false },
  biomarkers: { type: 'json', nullable: false, default: "'[]'::json" },
  created_at: { type: 'timestamp with time zone', default: 'now()' }
}

// [name, manifest tables, live tables, expected findings]
const CASES: Array<[string, Record<string, Cols>, Record<string, Record<string, Live>>, string[]]> = [
  ['identical', { pdfs: { id: { type: 'serial', nullable: false }, file_id: { type: 'varchar(36)' }, biomarkers: { type: 'json', default: "'[]'" }, created_at: { type: 'timestamptz', default: 'now()' } } },
    { 'public.pdfs': PDFS }, []],
  ['missing column (the incident)', { pdfs: { id: {}, file_id: {}, biomarkers: {}, created_at: {}, processing_started_at: { type: 'timestamp', nullable: true } } },
    { 'public.pdfs': PDFS }, ['fail missing_column public.pdfs.processing_started_at']],
  ['missing table', { pdfs: {}, users: { id: { type: 'integer' } } }, { 'public.pdfs': PDFS },
    ['info extra_column public.pdfs.biomarkers', 'info extra_column public.pdfs.created_at', 'info extra_column public.pdfs.file_id', 'info extra_column public.pdfs.id', 'fail missing_table public.users']],
  ['type mismatch', { pdfs: { id: { type: 'bigint' }, file_id: { type: 'varchar(40)' }, biomarkers: { type: 'jsonb' }, created_at: { type: 'timestamp' } } },
    { 'public.pdfs': PDFS }, ['warn type_mismatch public.pdfs.biomarkers', 'warn type_mismatch public.pdfs.created_at', 'warn type_mismatch public.pdfs.file_id', 'warn type_mismatch public.pdfs.id']],
  ['nullability mismatch', { pdfs: { id: { nullable: true }, file_id: { nullable: false }, biomarkers: {}, created_at: { nullable: false } } },
    { 'public.pdfs': PDFS }, ['warn nullability_mismatch public.pdfs.created_at', 'warn nullability_mismatch public.pdfs.id']],
  ['default mismatch', { pdfs: { id: { default: null }, file_id: { default: "'x'" }, biomarkers: { default: "'{}'" }, created_at: { default: 'now()' } } },
    { 'public.pdfs': PDFS }, ['info default_mismatch public.pdfs.biomarkers', 'info default_mismatch public.pdfs.file_id', 'info default_mismatch public.pdfs.id']],
  ['serial wants a sequence default', { t: { a: { type: 'serial' }, b: { type: 'serial' }, c: { type: 'bigserial' } } },
    { 'public.t': { a: { type: 'integer', default: "nextval('t_a_seq'::regclass)" }, b: { type: 'integer' }, c: { type: 'bigint', identity: 'by default' } } },
    ['info default_mismatch public.t.b']],
  ['identity is not a default', { t: { a: { default: null }, b: {} } },
    { 'public.t': { a: { type: 'integer', identity: 'always' }, b: { type: 'bigint', identity: 'by default' } } }, []],
  ['extra table and column; version table never extra', { pdfs: { id: {}, file_id: {}, biomarkers: {} } },
    { 'public.pdfs': PDFS, 'public.legacy': { id: { type: 'integer' } }, 'public.alembic_version': { version_num: { type: 'character varying(32)' } } },
    ['info extra_table public.legacy', 'info extra_column public.pdfs.created_at']],
  ['schema-qualified manifest tables', { 'audit.events': { id: { type: 'bigint' } }, pdfs: { id: {}, file_id: {}, biomarkers: {}, created_at: {} } },
    { 'public.pdfs': PDFS, 'audit.events': { id: { type: 'integer' } } }, ['warn type_mismatch audit.events.id']],
  ['extra tables only in SCHEMAS', { pdfs: { id: {}, file_id: {}, biomarkers: {}, created_at: {} } },
    { 'public.pdfs': PDFS, 'audit.other': { id: { type: 'integer' } } }, []],
  ['Supabase schemas are skipped unless named', { 'auth.users': { id: { type: 'uuid' } }, pdfs: { id: {}, file_id: {}, biomarkers: {}, created_at: {} } },
    { 'public.pdfs': PDFS }, []]
]

for (const [name, expected, live, findings] of CASES) {
  t.test(name, async (t) => {
    t.same(kinds(diffSchema(manifest(expected), catalog(live), OPTS)), findings)
  })
}

t.test('findings carry expected and actual shapes and say what is wrong', async (t) => {
  const { findings } = diffSchema(manifest({ pdfs: { processing_started_at: { type: 'timestamp', nullable: true }, file_id: { type: 'text' }, id: { nullable: true } } }), catalog({ 'public.pdfs': PDFS }), { ...OPTS, severity: { extra_column: 'ignore' } })
  t.same(findings, [
    { kind: 'type_mismatch', severity: 'warn', table: 'public.pdfs', column: 'file_id', expected: { type: 'text' }, actual: { type: 'character varying(36)' }, message: 'public.pdfs.file_id has type character varying(36), expected text' },
    { kind: 'nullability_mismatch', severity: 'warn', table: 'public.pdfs', column: 'id', expected: { nullable: true }, actual: { nullable: false }, message: 'public.pdfs.id is NOT NULL, expected nullable' },
    { kind: 'missing_column', severity: 'fail', table: 'public.pdfs', column: 'processing_started_at', expected: { type: 'timestamp without time zone', nullable: true }, message: 'public.pdfs.processing_started_at is expected but missing' }
  ])
})

t.test('DRIFT_SEVERITY overrides and ignore', async (t) => {
  const m = manifest({ pdfs: { id: { type: 'bigint' }, gone: {} } })
  const live = catalog({ 'public.pdfs': PDFS })
  t.same(kinds(diffSchema(m, live, { ...OPTS, severity: { type_mismatch: 'fail', missing_column: 'warn', extra_column: 'ignore' } })),
    ['warn missing_column public.pdfs.gone', 'fail type_mismatch public.pdfs.id'])
})

t.test('unqualified names mean the first schema of SCHEMAS', async (t) => {
  const m = manifest({ pdfs: { id: {} } })
  const live = catalog({ 'app.pdfs': { id: { type: 'integer' } }, 'public.pdfs': PDFS })
  const facts = diffSchema(m, live, { ...OPTS, schemas: ['app', 'public'] })
  t.same(kinds(facts), ['info extra_table public.pdfs'])
  t.same(schemasToRead(manifest({ 'audit.x': {}, 'auth.users': {}, y: {} }), OPTS), ['public', 'audit'])
  t.same(schemasToRead(manifest({ 'auth.users': {} }), { ...OPTS, schemas: ['public', 'auth'] }), ['public', 'auth'])
})

t.test('counts compared tables and columns', async (t) => {
  const facts = diffSchema(manifest({ pdfs: { id: {}, file_id: {} }, missing: { a: {} } }), catalog({ 'public.pdfs': PDFS }), OPTS)
  t.equal(facts.tablesCompared, 2)
  t.equal(facts.columnsCompared, 2)
})

t.test('check status is the worst severity; info never lowers it and alone passes', async (t) => {
  const m = (cols: Cols) => diffSchema(manifest({ pdfs: { id: {}, file_id: {}, biomarkers: {}, ...cols } }), catalog({ 'public.pdfs': PDFS }), OPTS)
  const clean = driftOutcome(m({ created_at: {} }))
  t.equal(clean.status, 'pass')
  t.equal(clean.observedValue, 0)
  t.equal(clean.output, undefined)
  const info = driftOutcome(m({}))
  t.equal(info.status, 'pass')
  t.equal(info.observedValue, 1)
  t.equal(info.output, 'public.pdfs.created_at exists but is not in the manifest')
  const warn = driftOutcome(m({ created_at: { type: 'date' } }))
  t.equal(warn.status, 'warn')
  const fail = driftOutcome(m({ created_at: { type: 'date' }, zzz: {}, aaa: {} }))
  t.equal(fail.status, 'fail')
  t.equal(fail.observedValue, 3)
  t.equal(fail.observedUnit, 'findings')
  t.equal(fail.output, 'public.pdfs.aaa is expected but missing (and 2 more)')
})

t.test('order is by table, column, kind, whatever the input order', async (t) => {
  const live = catalog({ 'public.b': { z: { type: 'text' }, a: { type: 'text', nullable: false } }, 'public.a': { x: { type: 'text' } } })
  const facts = diffSchema(manifest({ b: { a: { type: 'int', nullable: true }, m: {} }, c: {} }), live, OPTS)
  t.same(kinds(facts), ['info extra_table public.a', 'warn type_mismatch public.b.a', 'warn nullability_mismatch public.b.a', 'fail missing_column public.b.m', 'info extra_column public.b.z', 'fail missing_table public.c'])
})

t.test('fed table by table, in any order, the diff finds what the whole-snapshot diff finds', async (t) => {
  for (const [name, expected, live] of CASES) {
    const whole = diffSchema(manifest(expected), catalog(live), OPTS)
    const snapshot = catalog(live)
    const diff = new SchemaDiff(manifest(expected), OPTS)
    const each = [...snapshot.tables.values()].reverse().map((table) => diff.table(table))
    t.same(diff.facts(each, new Set(snapshot.tables.keys())), whole, name)
  }
})

t.test('a table the manifest names twice (pdfs and public.pdfs) is compared for each entry', async (t) => {
  const facts = diffSchema(manifest({ pdfs: { id: {}, gone: {} }, 'public.pdfs': { id: {}, gone: {}, file_id: {} } }), catalog({ 'public.pdfs': { id: { type: 'integer' }, file_id: { type: 'text' } } }), OPTS)
  t.same(kinds(facts), ['info extra_column public.pdfs.file_id', 'fail missing_column public.pdfs.gone', 'fail missing_column public.pdfs.gone'])
  t.same([facts.tablesCompared, facts.columnsCompared], [2, 5])
  const absent = diffSchema(manifest({ pdfs: {}, 'public.pdfs': {} }), catalog({}), OPTS)
  t.same(kinds(absent), ['fail missing_table public.pdfs', 'fail missing_table public.pdfs'])
})
