// A catalog snapshot as a manifest: type, nullable and default written for every column, and
// every key, constraint, index and enum (lists written even when empty), so that checking the
// same database against it finds nothing, and any later change is drift.
import { Document, isMap, isSeq } from 'yaml'
import { tableKey, type CatalogSnapshot, type CatalogTable } from './catalog.js'
import type { CatalogSecurity } from './catalog-security.js'
import { formatElement } from './index-elements.js'
import { MANIFEST_VERSION } from './manifest.js'
import { formatTableKey } from './names.js'

export interface ManifestColumn { type: string, nullable: boolean, default: string | null }
export interface ManifestKey { columns: string[], name: string }
export interface ManifestForeignKey {
  columns: string[]
  references: { table: string, columns: string[] }
  on_delete: string
  on_update: string
  name: string
}
export interface ManifestIndex { name: string, columns: string[], unique: boolean, using: string, where: string | null }
export interface ManifestTable {
  columns: Record<string, ManifestColumn>
  primary_key?: ManifestKey
  unique?: ManifestKey[]
  foreign_keys?: ManifestForeignKey[]
  indexes?: ManifestIndex[]
  checks?: Array<{ name: string, expression: string }>
  rls?: boolean
  force_rls?: boolean
  policies?: Record<string, ManifestPolicy>
  grants?: Record<string, string[]>
}
export interface ManifestPolicy { command: string, permissive: boolean, roles: string[], using: string | null, with_check: string | null }
export interface ManifestObject {
  version: number
  alembic?: { heads: string[] }
  tables: Record<string, ManifestTable>
  enums?: Record<string, string[]>
}

export interface ToManifestOptions {
  /** SCHEMAS: tables of the first are written unqualified. */
  readonly schemas: readonly string[]
  /** Left out of the manifest (unqualified: that name in any schema). */
  readonly alembicVersionTable?: { readonly schema?: string, readonly table: string }
  /** Rows of the version table, when it exists. */
  readonly alembicHeads?: readonly string[]
  /** Row-level security, policies and grants by tableKey, when they were read. */
  readonly security?: ReadonlyMap<string, CatalogSecurity>
}

const cmp = (a: string, b: string) => a < b ? -1 : a > b ? 1 : 0

export function toManifest (snapshot: CatalogSnapshot, opts: ToManifestOptions): ManifestObject {
  const defaultSchema = opts.schemas[0]
  const order = new Map(opts.schemas.map((s, i) => [s, i]))
  const version = opts.alembicVersionTable
  const tables = [...snapshot.tables.values()]
    .filter((t) => version === undefined || t.name !== version.table || (version.schema !== undefined && version.schema !== t.schema))
    .sort((a, b) => ((order.get(a.schema) ?? order.size) - (order.get(b.schema) ?? order.size)) || cmp(a.schema, b.schema) || cmp(a.name, b.name))
  const out: ManifestObject = { version: MANIFEST_VERSION, tables: {} }
  if (opts.alembicHeads !== undefined && opts.alembicHeads.length > 0) out.alembic = { heads: [...opts.alembicHeads].sort(cmp) }
  for (const t of tables) {
    const columns: Record<string, ManifestColumn> = {}
    for (const c of t.columns) columns[c.name] = { type: c.type, nullable: c.nullable, default: c.default }
    out.tables[formatTableKey(t.schema, t.name, defaultSchema)] = { columns, ...objects(t, defaultSchema), ...security(opts.security?.get(tableKey(t.schema, t.name))) }
  }
  if (snapshot.enums !== undefined) {
    out.enums = {}
    const enums = [...snapshot.enums.values()].sort((a, b) => ((order.get(a.schema) ?? order.size) - (order.get(b.schema) ?? order.size)) || cmp(a.schema, b.schema) || cmp(a.name, b.name))
    for (const e of enums) out.enums[formatTableKey(e.schema, e.name, defaultSchema)] = [...e.labels]
  }
  return out
}

/** The table's keys, constraints and indexes, when they were read. */
function objects (t: CatalogTable, defaultSchema: string | undefined): Omit<ManifestTable, 'columns'> {
  if (t.constraints === undefined || t.indexes === undefined) return {}
  const out: Omit<ManifestTable, 'columns'> = {}
  const key = (c: { columns: readonly string[], name: string }): ManifestKey => ({ columns: [...c.columns], name: c.name })
  const pk = t.constraints.find((c) => c.kind === 'primary_key')
  if (pk !== undefined) out.primary_key = key(pk)
  out.unique = t.constraints.filter((c) => c.kind === 'unique').map(key)
  out.foreign_keys = t.constraints.filter((c) => c.kind === 'foreign_key').map((c) => ({
    columns: [...c.columns],
    references: { table: formatTableKey(c.references!.schema, c.references!.table, defaultSchema), columns: [...c.references!.columns] },
    on_delete: c.onDelete!,
    on_update: c.onUpdate!,
    name: c.name
  }))
  // An index that a constraint made is the constraint's; it is not written twice.
  out.indexes = t.indexes.filter((i) => !i.ofConstraint).map((i) => ({
    name: i.name, columns: i.elements.map(formatElement), unique: i.unique, using: i.method, where: i.where
  }))
  out.checks = t.constraints.filter((c) => c.kind === 'check').map((c) => ({ name: c.name, expression: c.expression ?? '' }))
  return out
}

/** rls, force_rls, every policy whole and every grant (`{}`: none), when they were read. */
function security (s: CatalogSecurity | undefined): Pick<ManifestTable, 'rls' | 'force_rls' | 'policies' | 'grants'> {
  if (s === undefined) return {}
  const policies: Record<string, ManifestPolicy> = {}
  for (const p of s.policies) policies[p.name] = { command: p.command, permissive: p.permissive, roles: [...p.roles], using: p.using, with_check: p.withCheck }
  return { rls: s.rls, force_rls: s.forceRls, policies, grants: Object.fromEntries([...s.grants].map(([role, ps]) => [role, [...ps]])) }
}

/** YAML with one line per column (`id: { type: integer, nullable: false, default: null }`). */
export function manifestYaml (manifest: ManifestObject, comment?: string): string {
  const doc = new Document(manifest)
  // One walk over the nodes: doc.getIn() per column scans the tables map each time (quadratic,
  // 5 s of a 5,000-table snapshot).
  const tables = doc.get('tables', true)
  for (const table of isMap(tables) ? tables.items : []) {
    if (!isMap(table.value)) continue
    const columns = table.value.get('columns', true)
    for (const column of isMap(columns) ? columns.items : []) {
      if (isMap(column.value)) column.value.flow = true
    }
    // One line per key, constraint and index too.
    for (const pair of table.value.items) {
      const part = (pair.key as { value?: unknown }).value
      // Policies and grants: one line per policy, per role.
      if (isMap(pair.value) && (part === 'policies' || part === 'grants')) {
        for (const item of pair.value.items) if (isMap(item.value) || isSeq(item.value)) item.value.flow = true
        continue
      }
      if (isMap(pair.value) && part !== 'columns') pair.value.flow = true
      if (isSeq(pair.value)) for (const item of pair.value.items) if (isMap(item)) item.flow = true
    }
  }
  const enums = doc.get('enums', true)
  for (const e of isMap(enums) ? enums.items : []) if (isSeq(e.value)) e.value.flow = true
  if (comment !== undefined) doc.commentBefore = ` ${comment}`
  return doc.toString({ lineWidth: 0 })
}

/** JSON with one line per column, key, constraint, index and enum, so a diff of two snapshots reads object by object. */
export function manifestJson (manifest: ManifestObject): string {
  const head = Object.entries(manifest).filter(([k]) => k !== 'tables' && k !== 'enums').map(([k, v]) => `  ${JSON.stringify(k)}: ${JSON.stringify(v)},\n`).join('')
  const block = (entries: string[], indent: string, open: string, close: string) => entries.length === 0 ? `${open}${close}` : `${open}\n${entries.join(',\n')}\n${indent}${close}`
  const tables = Object.entries(manifest.tables).map(([key, table]) => {
    const parts = Object.entries(table).map(([part, value]) => {
      const items = part === 'columns' || part === 'policies'
        ? block(Object.entries(value as Record<string, unknown>).map(([name, spec]) => `        ${JSON.stringify(name)}: ${JSON.stringify(spec)}`), '      ', '{', '}')
        : Array.isArray(value) ? block(value.map((item) => `        ${JSON.stringify(item)}`), '      ', '[', ']') : JSON.stringify(value)
      return `      ${JSON.stringify(part)}: ${items}`
    })
    return `    ${JSON.stringify(key)}: {\n${parts.join(',\n')}\n    }`
  })
  const enums = manifest.enums === undefined
    ? ''
    : `,\n  "enums": ${block(Object.entries(manifest.enums).map(([name, labels]) => `    ${JSON.stringify(name)}: ${JSON.stringify(labels)}`), '  ', '{', '}')}`
  return `{\n${head}  "tables": ${block(tables, '  ', '{', '}')}${enums}\n}\n`
}
