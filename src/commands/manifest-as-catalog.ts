// A manifest read as `diff --to`, as if it were a live catalog: its columns, keys, constraints,
// indexes and enums. What the manifest does not say is recorded as unknown, and findings about
// it are left out: a hand-written manifest that omits a default has not said "no default".
import type { ExpectedForeignKey, ExpectedIndex, ExpectedSchema, ExpectedTable } from '../expectation.js'
import { tableKey, type CatalogColumn, type CatalogSnapshot, type CatalogTable } from '../schema/catalog.js'
import type { CatalogConstraint, CatalogEnum, CatalogIndex } from '../schema/catalog-objects.js'
import type { Finding } from '../schema/findings.js'
import { quoteIdent, sqlString } from '../schema/fixes/quote.js'
import { parseElement } from '../schema/index-elements.js'
import { qualified } from '../schema/names.js'

/** Keys of what a --to manifest does not say (see unknownKey). */
export type Unknown = ReadonlySet<string>
type What = 'type' | 'nullable' | 'default' | 'primary_key' | 'unique' | 'foreign_key' | 'index' | 'check' | 'enums'
/** `table, column, what` for a column; `table, '', what` for a list the table entry leaves out; `table, name or columns, what` for one object. */
export const unknownKey = (table: string, object: string, what: What) => `${table}\u0000${object}\u0000${what}`

const COLUMN_ATTRIBUTE: Readonly<Record<string, What>> = { type_mismatch: 'type', nullability_mismatch: 'nullable', default_mismatch: 'default' }
/** The kinds a table entry's list (or the manifest's `enums`) says nothing about when left out. */
const LIST_OF: Readonly<Record<string, What>> = {
  missing_primary_key: 'primary_key',
  missing_unique: 'unique',
  missing_foreign_key: 'foreign_key',
  foreign_key_mismatch: 'foreign_key',
  missing_index: 'index',
  index_mismatch: 'index',
  missing_check: 'check',
  check_mismatch: 'check',
  missing_enum: 'enums',
  missing_enum_value: 'enums',
  enum_order_mismatch: 'enums'
}

/** A finding about something a --to manifest does not say. */
export function isUnknown (f: Finding, unknown: Unknown): boolean {
  if (unknown.size === 0) return false
  const attribute = COLUMN_ATTRIBUTE[f.kind]
  if (attribute !== undefined) return f.table !== undefined && f.column !== undefined && unknown.has(unknownKey(f.table, f.column, attribute))
  const what = LIST_OF[f.kind]
  if (what === undefined) return false
  if (what === 'enums') return unknown.has(unknownKey('', '', 'enums'))
  const table = f.table ?? ''
  if (unknown.has(unknownKey(table, '', what))) return true
  // A foreign key whose actions, a check whose expression, an index whose method, uniqueness or predicate the manifest leaves out.
  if (f.kind === 'foreign_key_mismatch') return unknown.has(unknownKey(table, (f.columns ?? []).join(','), what))
  if (f.kind === 'check_mismatch' || f.kind === 'index_mismatch') return f.name !== undefined && unknown.has(unknownKey(table, f.name, what))
  return false
}

export function manifestAsCatalog (manifest: ExpectedSchema, schemas: readonly string[]): { catalog: CatalogSnapshot, unknown: Unknown } {
  const defaultSchema = schemas[0] ?? 'public'
  const tables = new Map<string, CatalogTable>()
  const unknown = new Set<string>()
  for (const t of manifest.tables) {
    const schema = t.schema ?? defaultSchema
    const key = tableKey(schema, t.name)
    const known = tables.get(key)
    const columns: CatalogColumn[] = [...(known?.columns ?? [])]
    const table = qualified(schema, t.name)
    for (const [name, spec] of t.columns) {
      if (columns.some((c) => c.name === name)) continue
      const serial = spec.type !== undefined && /^\s*(small|big)?serial[248]?\s*$/i.test(spec.type)
      let def = spec.default ?? null
      if (spec.default === undefined && serial) def = `nextval(${sqlString(quoteIdent(`${t.name}_${name}_seq`))}::regclass)`
      if (spec.type === undefined) unknown.add(unknownKey(table, name, 'type'))
      if (spec.nullable === undefined) unknown.add(unknownKey(table, name, 'nullable'))
      if (spec.default === undefined && !serial) unknown.add(unknownKey(table, name, 'default'))
      columns.push({ name, type: spec.type ?? 'unknown', nullable: spec.nullable ?? true, default: def })
    }
    const objects = tableObjects(t, table, defaultSchema, unknown)
    tables.set(key, {
      schema,
      name: t.name,
      columns,
      constraints: [...known?.constraints ?? [], ...objects.constraints],
      indexes: [...known?.indexes ?? [], ...objects.indexes]
    })
  }
  if (manifest.enums === undefined) unknown.add(unknownKey('', '', 'enums'))
  const enums = new Map<string, CatalogEnum>()
  for (const e of manifest.enums ?? []) {
    const schema = e.schema ?? defaultSchema
    enums.set(tableKey(schema, e.name), { schema, name: e.name, labels: [...e.labels] })
  }
  return { catalog: { schemas: [...schemas], tables, enums }, unknown }
}

/** The entry's keys, constraints and indexes as the catalog would hold them; PostgreSQL's default names where unnamed. */
function tableObjects (t: ExpectedTable, table: string, defaultSchema: string, unknown: Set<string>): { constraints: CatalogConstraint[], indexes: CatalogIndex[] } {
  const constraints: CatalogConstraint[] = []
  const indexes: CatalogIndex[] = []
  const keyIndex = (name: string, columns: readonly string[]) => indexes.push({
    name, unique: true, valid: true, method: 'btree', where: null, ofConstraint: true,
    elements: columns.map((text) => ({ text, expression: false, desc: false, nullsFirst: false }))
  })
  const list = (what: What, given: unknown) => { if (given === undefined) unknown.add(unknownKey(table, '', what)) }
  // `snapshot` leaves primary_key out when a table has none, beside lists it always writes: an
  // entry that lists keys or constraints has said its primary key too.
  const saysKeys = t.unique !== undefined || t.foreignKeys !== undefined || t.indexes !== undefined || t.checks !== undefined
  if (!saysKeys) list('primary_key', t.primaryKey)
  list('unique', t.unique)
  list('foreign_key', t.foreignKeys)
  list('index', t.indexes)
  list('check', t.checks)
  if (t.primaryKey !== undefined) {
    const name = t.primaryKey.name ?? `${t.name}_pkey`
    constraints.push({ name, kind: 'primary_key', columns: t.primaryKey.columns, validated: true })
    keyIndex(name, t.primaryKey.columns)
  }
  for (const u of t.unique ?? []) {
    const name = u.name ?? `${t.name}_${u.columns.join('_')}_key`
    constraints.push({ name, kind: 'unique', columns: u.columns, validated: true })
    keyIndex(name, u.columns)
  }
  for (const fk of t.foreignKeys ?? []) constraints.push(foreignKey(t, fk, defaultSchema, table, unknown))
  t.checks?.forEach((c, i) => {
    const name = c.name ?? `${t.name}_check${i === 0 ? '' : i}`
    if (c.expression === undefined) unknown.add(unknownKey(table, name, 'check'))
    constraints.push({ name, kind: 'check', columns: [], validated: true, ...(c.expression !== undefined ? { expression: c.expression } : {}) })
  })
  t.indexes?.forEach((ix, i) => indexes.push(index(t, ix, i, table, unknown)))
  return { constraints, indexes }
}

function foreignKey (t: ExpectedTable, fk: ExpectedForeignKey, defaultSchema: string, table: string, unknown: Set<string>): CatalogConstraint {
  if (fk.onDelete === undefined || fk.onUpdate === undefined) unknown.add(unknownKey(table, fk.columns.join(','), 'foreign_key'))
  return {
    name: fk.name ?? `${t.name}_${fk.columns.join('_')}_fkey`,
    kind: 'foreign_key',
    columns: fk.columns,
    references: { schema: fk.references.schema ?? defaultSchema, table: fk.references.table, columns: fk.references.columns },
    onDelete: fk.onDelete ?? 'no action',
    onUpdate: fk.onUpdate ?? 'no action',
    validated: true
  }
}

function index (t: ExpectedTable, ix: ExpectedIndex, i: number, table: string, unknown: Set<string>): CatalogIndex {
  const name = ix.name ?? `${t.name}_idx${i === 0 ? '' : i}`
  if (ix.unique === undefined || ix.using === undefined || ix.where === undefined) unknown.add(unknownKey(table, name, 'index'))
  return {
    name,
    unique: ix.unique ?? false,
    valid: true,
    method: ix.using ?? 'btree',
    elements: ix.columns.map(parseElement),
    where: ix.where ?? null,
    ofConstraint: false
  }
}
