// The fix of each finding kind, as tables of cases (pure: no database).
import t from 'tap'
import type { ExpectedColumn, ExpectedSchema } from '../../src/expectation.js'
import { FINDING_KINDS, type Finding } from '../../src/schema/findings.js'
import { tableKey, type CatalogColumn } from '../../src/schema/catalog.js'
import { diffSchema } from '../../src/schema/diff.js'
import { parseType } from '../../src/schema/parse-type.js'
import { sequenceOf } from '../../src/schema/fixes/column-def.js'
import { textForSa } from '../../src/schema/fixes/plan.js'
import { isSafeExpression, pyString, quoteIdent, sqlComment } from '../../src/schema/fixes/quote.js'
import { attachFixes, FIXERS, fixContext, planFix, withFixes } from '../../src/schema/fixes/registry.js'
import { alembicRevision, orderedSteps, sqlScript } from '../../src/schema/fixes/script.js'
import { saType, sqlType } from '../../src/schema/fixes/types.js'
import { isWidening } from '../../src/schema/fixes/widening.js'

function manifest (tables: Record<string, Record<string, ExpectedColumn>>): ExpectedSchema {
  return {
    file: 'test.yaml',
    tables: Object.entries(tables).map(([key, cols]) => {
      const dot = key.indexOf('.')
      return { ...(dot > 0 ? { schema: key.slice(0, dot), name: key.slice(dot + 1) } : { name: key }), columns: new Map(Object.entries(cols)) }
    })
  }
}
function catalog (tables: Record<string, Record<string, Partial<CatalogColumn> & { type: string }>>) {
  const map = new Map()
  for (const [key, cols] of Object.entries(tables)) {
    const [schema, name] = key.split('.') as [string, string]
    map.set(tableKey(schema, name), { schema, name, columns: Object.entries(cols).map(([n, c]) => ({ name: n, nullable: true, default: null, ...c })) })
  }
  return { schemas: ['public'], tables: map }
}
/** The fixes of diffing `want` against `have`, as `kind column: sql` lines. */
function fixes (want: Parameters<typeof manifest>[0], have: Parameters<typeof catalog>[0]) {
  const expected = manifest(want)
  const findings = diffSchema(expected, catalog(have), { schemas: ['public'] }).findings
  return attachFixes(findings, fixContext(expected, ['public']))
}

t.test('every finding kind has a fixer', async (t) => {
  for (const kind of FINDING_KINDS) t.type(FIXERS[kind], 'function', kind)
})

t.test('identifiers are quoted only when PostgreSQL needs it', async (t) => {
  const cases: Array<[string, string]> = [
    ['pdfs', 'pdfs'], ['_x1', '_x1'], ['Order', '"Order"'], ['order', '"order"'], ['user', '"user"'], ['my table', '"my table"'],
    ['say "hi"', '"say ""hi"""'], ['1st', '"1st"'], ['a$b', '"a$b"'], ['name', 'name'], ['type', 'type'], ['é', '"é"']
  ]
  for (const [name, quoted] of cases) t.equal(quoteIdent(name), quoted, name)
})

t.test('Python strings and comments cannot be ended early', async (t) => {
  t.equal(pyString('pdfs'), "'pdfs'")
  t.equal(pyString("'it''s'::text"), `"'it''s'::text"`)
  t.equal(pyString(`a'b"c\\d`), `'a\\'b"c\\\\d'`)
  t.equal(pyString('x\ny\u0000\u2028'), "'x\\ny\\x00\\u2028'")
  t.equal(sqlComment('a\nDROP TABLE x; --'), '-- a\n-- DROP TABLE x; --', 'each line a comment')
  const [fix] = fixes({}, { 'public.x\nDROP TABLE y': {} }).map((f) => f.fix!)
  t.notMatch(fix!.sql, /^DROP/m, 'a name holding a line break stays inside the comment')
  t.notMatch(fix!.alembic, /^DROP/m)
})

t.test('expressions pasted into statements must be plain SQL', async (t) => {
  for (const ok of ["'[]'::json", 'now()', "nextval('s'::regclass)", "'a;b'", "E'it\\'s'", "'--'", '0', "(('now'::text)::date)"]) t.ok(isSafeExpression(ok), ok)
  for (const bad of ["'x'; DROP TABLE t", 'now() --', "'open", 'f(', ')(', '$$x$$', '1 /* c */', '']) t.notOk(isSafeExpression(bad), bad)
  t.equal(textForSa("'see :note'::text"), "'see \\:note'::text", 'a colon SQLAlchemy would bind is escaped')
  t.equal(textForSa("'10:30'::time"), "'10:30'::time", 'a cast or a colon after a digit is not a parameter')
  t.equal(textForSa("'a\\:b'"), undefined)
  t.equal(sequenceOf("nextval('\"Order_id_seq\"'::regclass)"), '"Order_id_seq"')
  t.equal(sequenceOf("nextval('public.s'::regclass)"), 'public.s')
  t.equal(sequenceOf("nextval('s; DROP'::regclass)"), undefined)
})

t.test('types: SQL text and SQLAlchemy types', async (t) => {
  const cases: Array<[string, string | undefined, string | undefined]> = [
    ['timestamp', 'timestamp without time zone', 'sa.DateTime()'],
    ['timestamptz(3)', 'timestamp(3) with time zone', 'postgresql.TIMESTAMP(timezone=True, precision=3)'],
    ['VARCHAR(36)', 'character varying(36)', 'sa.String(length=36)'],
    ['numeric(10)', 'numeric(10,0)', 'sa.Numeric(precision=10, scale=0)'],
    ['int4[]', 'integer[]', 'postgresql.ARRAY(sa.Integer())'],
    ['interval day to second(3)', 'interval day to second(3)', "postgresql.INTERVAL(precision=3, fields='day to second')"],
    ['jsonb', 'jsonb', 'postgresql.JSONB()'],
    ['serial', 'serial', undefined],
    ['mood', 'mood', undefined],
    ['"user"', '"user"', undefined],
    ['audit."Level"', 'audit."Level"', undefined],
    ['xml', 'xml', undefined],
    ["mood('x)", undefined, undefined]
  ]
  for (const [text, sql, sa] of cases) {
    const type = parseType(text)
    t.equal(sqlType(type), sql, `${text} as SQL`)
    t.equal(saType(type), sa, `${text} as SQLAlchemy`)
  }
})

t.test('widening keeps every value; anything else is for a person', async (t) => {
  const cases: Array<[string, string, boolean]> = [
    ['integer', 'bigint', true], ['smallint', 'integer', true], ['bigint', 'integer', false],
    ['varchar(36)', 'varchar(64)', true], ['varchar(64)', 'varchar(36)', false], ['varchar(36)', 'text', true], ['text', 'varchar', true],
    ['text', 'varchar(10)', false], ['numeric(10,2)', 'numeric(12,2)', true], ['numeric(10,2)', 'numeric(12,4)', true],
    ['numeric(10,2)', 'numeric(10,4)', false], ['numeric(10,2)', 'numeric', true], ['integer', 'numeric(10,0)', true],
    ['bigint', 'numeric(10,0)', false], ['integer', 'double precision', true], ['bigint', 'double precision', false],
    ['real', 'double precision', true], ['timestamp(0)', 'timestamp(3)', true], ['timestamp(3)', 'timestamp(0)', false],
    ['timestamp', 'timestamptz', false], ['json', 'jsonb', false], ['char(3)', 'text', false], ['integer[]', 'bigint[]', true],
    ['integer', 'integer[]', false], ['mood', 'text', false]
  ]
  for (const [from, to, widening] of cases) t.equal(isWidening(parseType(from), parseType(to)), widening, `${from} -> ${to}`)
})

t.test('the fix of each kind', async (t) => {
  const PDFS = { id: { type: 'integer', nullable: false } }
  const cases: Array<[string, Parameters<typeof fixes>[0], Parameters<typeof fixes>[1], string, string]> = [
    ['missing_column, nullable',
      { pdfs: { ...PDFS, processing_started_at: { type: 'timestamp', nullable: true } } }, { 'public.pdfs': PDFS },
      'ALTER TABLE public.pdfs ADD COLUMN processing_started_at timestamp without time zone;',
      "op.add_column('pdfs', sa.Column('processing_started_at', sa.DateTime(), nullable=True))"],
    ['missing_column, NOT NULL with a default: one statement',
      { pdfs: { ...PDFS, status: { type: 'varchar(20)', nullable: false, default: "'new'" } } }, { 'public.pdfs': PDFS },
      "ALTER TABLE public.pdfs ADD COLUMN status character varying(20) DEFAULT 'new' NOT NULL;",
      `op.add_column('pdfs', sa.Column('status', sa.String(length=20), server_default=sa.text("'new'"), nullable=False))`],
    ['missing_column, NOT NULL without a default: nullable, a comment, then SET NOT NULL',
      { pdfs: { ...PDFS, n: { type: 'int', nullable: false } } }, { 'public.pdfs': PDFS },
      'ALTER TABLE public.pdfs ADD COLUMN n integer;\n-- public.pdfs.n is NOT NULL without a default: on a table with rows, fill it before the next statement (it fails while any row holds NULL)\nALTER TABLE public.pdfs ALTER COLUMN n SET NOT NULL;',
      "op.add_column('pdfs', sa.Column('n', sa.Integer(), nullable=True))\n# public.pdfs.n is NOT NULL without a default: on a table with rows, fill it before the next statement (it fails while any row holds NULL)\nop.alter_column('pdfs', 'n', existing_type=sa.Integer(), nullable=False)"],
    ['missing_column, identity (from a database): created as such, NOT NULL at once',
      { pdfs: { ...PDFS, seq: { type: 'bigint', nullable: false, default: null, identity: 'by default' } } }, { 'public.pdfs': PDFS },
      'ALTER TABLE public.pdfs ADD COLUMN seq bigint GENERATED BY DEFAULT AS IDENTITY NOT NULL;',
      "op.add_column('pdfs', sa.Column('seq', sa.BigInteger(), sa.Identity(always=False), nullable=False))"],
    ['missing_column, stored generated (from a database)',
      { pdfs: { ...PDFS, len: { type: 'integer', default: null, generated: 'length(title)' } } }, { 'public.pdfs': PDFS },
      'ALTER TABLE public.pdfs ADD COLUMN len integer GENERATED ALWAYS AS (length(title)) STORED;',
      "op.add_column('pdfs', sa.Column('len', sa.Integer(), sa.Computed(sa.text('length(title)'), persisted=True), nullable=True))"],
    ['missing_column of an enum: op.execute',
      { pdfs: { ...PDFS, feeling: { type: 'mood' } } }, { 'public.pdfs': PDFS },
      'ALTER TABLE public.pdfs ADD COLUMN feeling mood;', "op.execute('ALTER TABLE public.pdfs ADD COLUMN feeling mood;')"],
    ['missing_column without a type: a comment',
      { pdfs: { ...PDFS, status: {} } }, { 'public.pdfs': PDFS },
      '-- public.pdfs.status: cannot add it: status: the source gives no type', '# public.pdfs.status: cannot add it: status: the source gives no type'],
    ['type_mismatch, widening',
      { pdfs: { id: { type: 'bigint' } } }, { 'public.pdfs': { id: { type: 'integer' } } },
      'ALTER TABLE public.pdfs ALTER COLUMN id TYPE bigint USING id::bigint;',
      "op.alter_column('pdfs', 'id', type_=sa.BigInteger(), existing_type=sa.Integer(), postgresql_using='id::bigint')"],
    ['type_mismatch, narrowing: a comment',
      { pdfs: { id: { type: 'integer' } } }, { 'public.pdfs': { id: { type: 'bigint' } } },
      '-- public.pdfs.id: bigint -> integer may narrow or rewrite data; review, then run by hand:\n-- ALTER TABLE public.pdfs ALTER COLUMN id TYPE integer USING id::integer;',
      '# public.pdfs.id: bigint -> integer may narrow or rewrite data; review, then run by hand:\n# ALTER TABLE public.pdfs ALTER COLUMN id TYPE integer USING id::integer;'],
    ['nullability_mismatch, SET NOT NULL',
      { pdfs: { id: { type: 'integer', nullable: false } } }, { 'public.pdfs': { id: { type: 'integer' } } },
      '-- fails while any row of public.pdfs holds NULL in id: fill those first\nALTER TABLE public.pdfs ALTER COLUMN id SET NOT NULL;',
      "op.alter_column('pdfs', 'id', existing_type=sa.Integer(), nullable=False)"],
    ['nullability_mismatch, DROP NOT NULL',
      { pdfs: { id: { nullable: true } } }, { 'public.pdfs': { id: { type: 'integer', nullable: false } } },
      'ALTER TABLE public.pdfs ALTER COLUMN id DROP NOT NULL;', "op.alter_column('pdfs', 'id', nullable=True)"],
    ['default_mismatch, SET DEFAULT',
      { pdfs: { at: { type: 'timestamptz', default: 'now()' } } }, { 'public.pdfs': { at: { type: 'timestamp with time zone' } } },
      'ALTER TABLE public.pdfs ALTER COLUMN at SET DEFAULT now();',
      "op.alter_column('pdfs', 'at', existing_type=sa.DateTime(timezone=True), server_default=sa.text('now()'))"],
    ['default_mismatch, DROP DEFAULT',
      { pdfs: { n: { default: null } } }, { 'public.pdfs': { n: { type: 'integer', default: '0' } } },
      'ALTER TABLE public.pdfs ALTER COLUMN n DROP DEFAULT;', "op.alter_column('pdfs', 'n', server_default=None)"],
    ['default_mismatch, a serial without its sequence',
      { pdfs: { id: { type: 'serial' } } }, { 'public.pdfs': { id: { type: 'integer' } } },
      "CREATE SEQUENCE IF NOT EXISTS public.pdfs_id_seq AS integer OWNED BY public.pdfs.id;\nSELECT pg_catalog.setval('public.pdfs_id_seq', COALESCE(max(id), 0) + 1, false) FROM public.pdfs;\nALTER TABLE public.pdfs ALTER COLUMN id SET DEFAULT nextval('public.pdfs_id_seq'::regclass);",
      "op.execute('CREATE SEQUENCE IF NOT EXISTS public.pdfs_id_seq AS integer OWNED BY public.pdfs.id;')\nop.execute(\"SELECT pg_catalog.setval('public.pdfs_id_seq', COALESCE(max(id), 0) + 1, false) FROM public.pdfs;\")\nop.execute(\"ALTER TABLE public.pdfs ALTER COLUMN id SET DEFAULT nextval('public.pdfs_id_seq'::regclass);\")"],
    ['default_mismatch, a default that is not plain SQL: a comment',
      { pdfs: { n: { default: "0; DROP TABLE pdfs" } } }, { 'public.pdfs': { n: { type: 'integer' } } },
      '-- public.pdfs.n: default "0; DROP TABLE pdfs" is not a plain SQL expression; set it by hand',
      '# public.pdfs.n: default "0; DROP TABLE pdfs" is not a plain SQL expression; set it by hand'],
    ['extra_column: a comment',
      { pdfs: {} }, { 'public.pdfs': { 'Old Flag': { type: 'boolean' } } },
      '-- public.pdfs.Old Flag is not in the source; dropping it would lose its data. If it must go:\n-- ALTER TABLE public.pdfs DROP COLUMN "Old Flag";',
      '# public.pdfs.Old Flag is not in the source; dropping it would lose its data. If it must go:\n# ALTER TABLE public.pdfs DROP COLUMN "Old Flag";'],
    ['missing_table with every column',
      { 'audit.Events': { id: { type: 'bigserial', nullable: false }, at: { type: 'timestamptz', nullable: false, default: 'now()' } } }, {},
      'CREATE TABLE audit."Events" (\n  id bigserial NOT NULL,\n  at timestamp with time zone DEFAULT now() NOT NULL\n);',
      "op.execute('CREATE TABLE audit.\"Events\" (\\n  id bigserial NOT NULL,\\n  at timestamp with time zone DEFAULT now() NOT NULL\\n);')"],
    ['missing_table with SQLAlchemy types, and a column it cannot write',
      { events: { id: { type: 'bigint', nullable: false }, status: {} } }, {},
      'CREATE TABLE public.events (\n  id bigint NOT NULL\n  -- status: the source gives no type\n);',
      "op.create_table(\n    'events',\n    sa.Column('id', sa.BigInteger(), nullable=False),\n    # status: the source gives no type\n)"],
    ['extra_table: a comment',
      {}, { 'public.scratch': {} },
      '-- public.scratch is not in the source; dropping it would lose its data. If it must go:\n-- DROP TABLE public.scratch;',
      '# public.scratch is not in the source; dropping it would lose its data. If it must go:\n# DROP TABLE public.scratch;']
  ]
  for (const [name, want, have, sql, alembic] of cases) {
    const fixed = fixes(want, have)
    t.equal(fixed.length, 1, `${name}: one finding (${fixed.map((f) => f.kind).join(', ')})`)
    t.same(fixed[0]?.fix, { sql, alembic }, name)
  }
})

t.test('scripts run in dependency order; a revision with only comments still parses', async (t) => {
  const expected = manifest({ b: { id: { type: 'integer' }, x: { type: 'text' } }, a: { id: { type: 'integer' } } })
  const findings = diffSchema(expected, catalog({ 'public.b': { id: { type: 'smallint' } }, 'public.c': {} }), { schemas: ['public'] }).findings
  const ctx = fixContext(expected, ['public'])
  t.same(orderedSteps(findings, ctx).map(({ finding, step }) => `${step.phase} ${finding.kind} ${finding.table}`), [
    'table missing_table public.a', 'table extra_table public.c', 'column missing_column public.b', 'alter type_mismatch public.b'
  ])
  const sql = sqlScript(findings, ctx, { from: 'staging', to: 'prod' })
  t.match(sql, /^-- schema-sentinel diff: what prod needs to match staging\n-- 3 fixes to run, 1 to read\. [^\n]*\n\nBEGIN;\n\n-- public\.a: missing_table\nCREATE TABLE public\.a/)
  t.match(sql, /\nCOMMIT;\n$/)

  const extraOnly = diffSchema(manifest({}), catalog({ 'public.c': {} }), { schemas: ['public'] }).findings
  const rev = alembicRevision(extraOnly, fixContext(manifest({}), ['public']), { from: 'a "b" \\', to: 'x\ny', revision: 'abc', downRevisions: ['h1', 'h2'], createDate: new Date(0) })
  t.match(rev, /^"""schema-sentinel diff: bring x\\\\ny to a \\"b\\" \\\\\n/, 'the docstring cannot be closed early')
  t.match(rev, /^down_revision = \('h1', 'h2'\)$/m, 'several heads: the revision merges them')
  t.match(rev, /def upgrade\(\):\n {4}# public\.c: extra_table\n(.*\n)*? {4}pass\n/, 'comments only: pass')
  t.match(rev, /def downgrade\(\):\n {4}pass\n$/)
})

t.test('withFixes attaches fixes for the drift check and reuses them while findings are unchanged', async (t) => {
  const expected = manifest({ pdfs: { id: { type: 'integer' }, n: { type: 'text' } } })
  const facts = diffSchema(expected, catalog({ 'public.pdfs': { id: { type: 'integer' } } }), { schemas: ['public'] })
  const once = withFixes(facts, expected, ['public'])
  const again = withFixes(facts, expected, ['public'])
  t.equal(once.findings[0]!.fix?.sql, 'ALTER TABLE public.pdfs ADD COLUMN n text;')
  t.equal(once.findings[0], again.findings[0], 'the same object: no new strings per round')
  t.equal(facts.findings[0]!.fix, undefined, 'the input is not changed')
  const kindless: Finding = { kind: 'extra_table', severity: 'info', table: 'public.t', message: 'm', fix: { sql: 'kept', alembic: 'kept' } }
  t.equal(attachFixes([kindless], fixContext(expected, ['public']))[0]!.fix?.sql, 'kept', 'a fix already there is kept')
  t.equal(planFix({ ...kindless, kind: 'unknown_kind' as never }, fixContext(expected, ['public'])), undefined, 'a kind without a fixer has no fix')
})
