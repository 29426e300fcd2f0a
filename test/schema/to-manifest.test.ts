import t from 'tap'
import { parse as parseYaml } from 'yaml'
import { tableKey, type CatalogSnapshot, type CatalogTable } from '../../src/schema/catalog.js'
import { parseManifest } from '../../src/schema/manifest.js'
import { manifestJson, manifestYaml, toManifest } from '../../src/schema/to-manifest.js'

function snapshot (tables: CatalogTable[]): CatalogSnapshot {
  return { schemas: ['public'], tables: new Map(tables.map((x) => [tableKey(x.schema, x.name), x])) }
}

const SNAP = snapshot([
  { schema: 'public', name: 'zeta', columns: [{ name: 'id', type: 'integer', nullable: false, default: "nextval('zeta_id_seq'::regclass)" }] },
  { schema: 'audit', name: 'events', columns: [{ name: 'at', type: 'timestamp with time zone', nullable: false, default: 'now()' }] },
  { schema: 'public', name: 'alpha', columns: [] },
  { schema: 'public', name: 'odd.name', columns: [{ name: 'b', type: '"char"', nullable: true, default: "'0'" }, { name: 'a', type: 'text', nullable: true, default: null }] },
  { schema: 'public', name: 'alembic_version', columns: [{ name: 'version_num', type: 'character varying(32)', nullable: false, default: null }] }
])

t.test('tables sorted (first schema unqualified, first), version table left out, every column complete', async (t) => {
  const m = toManifest(SNAP, { schemas: ['public', 'audit'], alembicVersionTable: { table: 'alembic_version' }, alembicHeads: ['b2', 'a1'] })
  t.same(Object.keys(m.tables), ['alpha', '"odd.name"', 'zeta', 'audit.events'])
  t.same(m.alembic, { heads: ['a1', 'b2'] })
  t.same(Object.keys(m.tables['"odd.name"']!.columns), ['b', 'a'], 'table order, not sorted')
  t.same(m.tables.zeta!.columns.id, { type: 'integer', nullable: false, default: "nextval('zeta_id_seq'::regclass)" })
})

t.test('a qualified version table is left out only in its schema; no heads, no alembic key', async (t) => {
  const m = toManifest(SNAP, { schemas: ['public'], alembicVersionTable: { schema: 'audit', table: 'alembic_version' }, alembicHeads: [] })
  t.ok('alembic_version' in m.tables)
  t.notOk('alembic' in m)
})

t.test('JSON and YAML renderings load back to the same manifest', async (t) => {
  const m = toManifest(SNAP, { schemas: ['public', 'audit'], alembicVersionTable: { table: 'alembic_version' }, alembicHeads: ['a1'] })
  const json = manifestJson(m)
  const yaml = manifestYaml(m, 'a comment')
  t.same(JSON.parse(json), m)
  t.same(parseYaml(yaml), m)
  t.match(yaml, /^# a comment\n/)
  t.same(parseManifest(json, 'manifest'), parseManifest(yaml, 'manifest'), 'format told by content')
  t.same(JSON.parse(manifestJson({ version: 1, tables: {} })), { version: 1, tables: {} })
})
