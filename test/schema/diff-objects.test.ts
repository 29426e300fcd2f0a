// Structural matching of keys, constraints, indexes and enums (pure): the contract's rules, one
// case each. Live objects are written as the catalog reads them.
import t from 'tap'
import { tableKey, type CatalogSnapshot } from '../../src/schema/catalog.js'
import type { CatalogConstraint, CatalogEnum, CatalogIndex } from '../../src/schema/catalog-objects.js'
import { diffSchema, type DiffOptions } from '../../src/schema/diff.js'
import type { ExpectedEnum, ExpectedTable } from '../../src/schema/expected.js'
import { parseElement } from '../../src/schema/index-elements.js'

type Objects = Omit<ExpectedTable, 'name' | 'columns' | 'schema'>
const OPTS: DiffOptions = { schemas: ['public'] }

const pk = (columns: string[], name = 't_pkey'): CatalogConstraint => ({ name, kind: 'primary_key', columns, validated: true })
const uq = (columns: string[], name = `t_${columns.join('_')}_key`): CatalogConstraint => ({ name, kind: 'unique', columns, validated: true })
const fk = (columns: string[], table: string, refColumns: string[], name = `t_${columns.join('_')}_fkey`, onDelete = 'no action', onUpdate = 'no action'): CatalogConstraint =>
  ({ name, kind: 'foreign_key', columns, references: { schema: 'public', table, columns: refColumns }, onDelete: onDelete as 'no action', onUpdate: onUpdate as 'no action', validated: true })
const ck = (name: string, expression: string): CatalogConstraint => ({ name, kind: 'check', columns: [], expression, validated: true })
const ix = (name: string, columns: string[], more: Partial<CatalogIndex> = {}): CatalogIndex =>
  ({ name, unique: false, valid: true, method: 'btree', elements: columns.map(parseElement), where: null, ofConstraint: false, ...more })

function run (want: Objects, constraints: CatalogConstraint[], indexes: CatalogIndex[], enums?: { want: ExpectedEnum[], live: CatalogEnum[] }): string[] {
  const snapshot: CatalogSnapshot = {
    schemas: ['public'],
    tables: new Map([[tableKey('public', 't'), { schema: 'public', name: 't', columns: [], constraints, indexes }]]),
    enums: new Map((enums?.live ?? []).map((e) => [tableKey(e.schema, e.name), e]))
  }
  const facts = diffSchema({ file: 'm', tables: [{ name: 't', columns: new Map(), ...want }], ...(enums !== undefined ? { enums: enums.want } : {}) }, snapshot, OPTS)
  return facts.findings.map((f) => [f.severity, f.kind, f.table ?? f.type, f.columns?.join(','), f.name, f.value].filter((x) => x !== undefined).join(' '))
}

const PKI = ix('t_pkey', ['id'], { unique: true, ofConstraint: true })

// [name, manifest objects, live constraints, live indexes, findings]
const CASES: Array<[string, Objects, CatalogConstraint[], CatalogIndex[], string[]]> = [
  ['nothing listed: nothing checked', {}, [uq(['a']), fk(['u'], 'users', ['id']), ck('c', 'a > 0')], [ix('ix_a', ['a'])], []],
  ['primary key by column set, not name or order', { primaryKey: { columns: ['b', 'a'], name: 'pk_t' } }, [pk(['a', 'b'])], [], []],
  ['no primary key', { primaryKey: { columns: ['id'] } }, [], [], ['fail missing_primary_key public.t id']],
  ['primary key on other columns', { primaryKey: { columns: ['id'] } }, [pk(['uuid'])], [], ['fail missing_primary_key public.t id']],
  ['unique by constraint', { unique: [{ columns: ['a', 'b'] }] }, [uq(['b', 'a'])], [], []],
  ['unique by a unique index', { unique: [{ columns: ['email'] }] }, [], [ix('ux', ['email'], { unique: true })], []],
  ['a partial unique index does not count', { unique: [{ columns: ['email'], name: 'uq_email' }] }, [], [ix('ux', ['email'], { unique: true, where: 'deleted_at IS NULL' })], ['fail missing_unique public.t email uq_email']],
  ['an expression unique index does not count', { unique: [{ columns: ['email'] }] }, [], [ix('ux', ['lower(email)'], { unique: true })], ['fail missing_unique public.t email']],
  ['an invalid unique index does not count', { unique: [{ columns: ['email'] }] }, [], [ix('ux', ['email'], { unique: true, valid: false })], ['fail missing_unique public.t email']],
  ['extra unique only when listed', { unique: [] }, [uq(['a'])], [], ['info extra_unique public.t a t_a_key']],
  ['foreign key by structure, any name', { foreignKeys: [{ columns: ['u'], references: { table: 'users', columns: ['id'] }, onDelete: 'cascade', name: 'fk_x' }] },
    [fk(['u'], 'users', ['id'], 'whatever', 'cascade')], [], []],
  ['composite foreign key in another order', { foreignKeys: [{ columns: ['b', 'a'], references: { table: 'p', columns: ['y', 'x'] } }] }, [fk(['a', 'b'], 'p', ['x', 'y'])], [], []],
  ['on_delete differs: one mismatch', { foreignKeys: [{ columns: ['u'], references: { table: 'users', columns: ['id'] }, onDelete: 'cascade' }] },
    [fk(['u'], 'users', ['id'], 'fk_u', 'set null')], [], ['warn foreign_key_mismatch public.t u fk_u']],
  ['on_update not given: not checked', { foreignKeys: [{ columns: ['u'], references: { table: 'users', columns: ['id'] } }] }, [fk(['u'], 'users', ['id'], 'fk_u', 'cascade', 'cascade')], [], []],
  ['refers elsewhere: a mismatch, not missing + extra', { foreignKeys: [{ columns: ['u'], references: { table: 'users', columns: ['id'] } }] },
    [fk(['u'], 'accounts', ['id'], 'fk_u')], [], ['warn foreign_key_mismatch public.t u fk_u']],
  ['missing foreign key, extra one reported when listed', { foreignKeys: [{ columns: ['u'], references: { table: 'users', columns: ['id'] }, name: 'fk_u' }] },
    [fk(['v'], 'users', ['id'], 'fk_v')], [], ['warn missing_foreign_key public.t u fk_u', 'info extra_foreign_key public.t v fk_v']],
  ['check by name, expression normalised', { checks: [{ name: 'ck', expression: "status IN ('a', 'b')" }] },
    [ck('ck', "(status)::text = ANY ((ARRAY['a'::character varying, 'b'::character varying])::text[])")], [], []],
  ['check renamed: found by expression', { checks: [{ name: 'ck_new', expression: 'a >= 0' }] }, [ck('t_a_check', '(a >= 0)')], [], []],
  ['check changed', { checks: [{ name: 'ck', expression: 'a >= 0' }] }, [ck('ck', 'a > 0')], [], ['warn check_mismatch public.t ck']],
  ['check missing, extra listed', { checks: [{ name: 'ck' }] }, [ck('other', 'a > 0')], [], ['warn missing_check public.t ck', 'info extra_check public.t other']],
  ['index by structure, any name', { indexes: [{ name: 'ix_a', columns: ['a', 'lower(b)'], unique: false, using: 'btree', where: null }] }, [], [ix('idx_other', ['a', 'lower((b)::text)'])], []],
  ['index order defaults: ASC NULLS LAST', { indexes: [{ columns: ['a ASC NULLS LAST', 'b DESC NULLS FIRST'] }] }, [], [ix('i', ['a', 'b DESC'])], []],
  ['index direction differs', { indexes: [{ columns: ['a DESC'] }] }, [], [ix('i', ['a'])], ['warn missing_index public.t a DESC', 'info extra_index public.t a i']],
  ['same name, other definition: index_mismatch', { indexes: [{ name: 'ix_a', columns: ['a'], where: null }] }, [], [ix('ix_a', ['a'], { where: "status = 'x'::text" })], ['warn index_mismatch public.t a ix_a']],
  ['predicate normalised', { indexes: [{ columns: ['a'], where: "status = 'pending'" }] }, [], [ix('i', ['a'], { where: "(status)::text = 'pending'::text" })], []],
  ['uniqueness and method compared when given', { indexes: [{ columns: ['a'], unique: true }, { columns: ['b'], using: 'gin' }] }, [], [ix('ia', ['a']), ix('ib', ['b'])],
    ['warn missing_index public.t a', 'warn missing_index public.t b', 'info extra_index public.t a ia', 'info extra_index public.t b ib']],
  ['invalid index matched', { indexes: [{ columns: ['a'], name: 'ix_a' }] }, [], [ix('ix_a', ['a'], { valid: false })], ['warn invalid_index public.t a ix_a']],
  ['invalid index not in the manifest', { indexes: [] }, [], [ix('ix_a', ['a'], { valid: false })], ['warn invalid_index public.t a ix_a']],
  ["a constraint's index is not extra", { indexes: [], primaryKey: { columns: ['id'] } }, [pk(['id'])], [PKI], []],
  ['a unique index that satisfies unique is not extra', { indexes: [], unique: [{ columns: ['e'] }] }, [], [ix('ux_e', ['e'], { unique: true })], []],
  ['extra index only when listed', {}, [], [ix('ix_a', ['a'])], []]
]

for (const [name, want, constraints, indexes, findings] of CASES) {
  t.test(name, async (t) => { t.same(run(want, constraints, indexes), findings) })
}

t.test('enums: missing type, missing and extra labels, order apart from missing labels', async (t) => {
  const live: CatalogEnum[] = [{ schema: 'public', name: 'status', labels: ['done', 'pending', 'legacy'] }, { schema: 'app', name: 'kind', labels: ['a'] }]
  t.same(run({}, [], [], {
    want: [{ name: 'status', labels: ['pending', 'processing', 'done'] }, { name: 'gone', labels: ['x'] }, { schema: 'app', name: 'kind', labels: ['a'] }],
    live
  }), [
    'fail missing_enum public.gone',
    'fail missing_enum_value public.status processing',
    'info enum_order_mismatch public.status',
    'info extra_enum_value public.status legacy'
  ])
  t.same(run({}, [], [], { want: [{ name: 'status', labels: ['done', 'pending'] }], live }), ['info extra_enum_value public.status legacy'], 'same order once the extra label is set apart')
  t.same(run({}, [], [], { want: [{ name: 'status', labels: ['pending'] }], live }), ['info extra_enum_value public.status done', 'info extra_enum_value public.status legacy'])
})
