// A catalog snapshot as a manifest: type, nullable and default written for every column,
// so that checking the same database against it finds nothing, and any later change is drift.
import { Document, isMap } from 'yaml'
import type { CatalogSnapshot } from './catalog.js'
import { MANIFEST_VERSION } from './manifest.js'
import { formatTableKey } from './names.js'

export interface ManifestColumn { type: string, nullable: boolean, default: string | null }
export interface ManifestObject {
  version: number
  alembic?: { heads: string[] }
  tables: Record<string, { columns: Record<string, ManifestColumn> }>
}

export interface ToManifestOptions {
  /** SCHEMAS: tables of the first are written unqualified. */
  readonly schemas: readonly string[]
  /** Left out of the manifest (unqualified: that name in any schema). */
  readonly alembicVersionTable?: { readonly schema?: string, readonly table: string }
  /** Rows of the version table, when it exists. */
  readonly alembicHeads?: readonly string[]
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
    out.tables[formatTableKey(t.schema, t.name, defaultSchema)] = { columns }
  }
  return out
}

/** YAML with one line per column (`id: { type: integer, nullable: false, default: null }`). */
export function manifestYaml (manifest: ManifestObject, comment?: string): string {
  const doc = new Document(manifest)
  // One walk over the nodes: doc.getIn() per column scans the tables map each time (quadratic,
  // 5 s of a 5,000-table snapshot).
  const tables = doc.get('tables', true)
  for (const table of isMap(tables) ? tables.items : []) {
    const columns = isMap(table.value) ? table.value.get('columns', true) : undefined
    for (const column of isMap(columns) ? columns.items : []) {
      if (isMap(column.value)) column.value.flow = true
    }
  }
  if (comment !== undefined) doc.commentBefore = ` ${comment}`
  return doc.toString({ lineWidth: 0 })
}

/** JSON with one line per column, so a diff of two snapshots reads column by column. */
export function manifestJson (manifest: ManifestObject): string {
  const head = Object.entries(manifest).filter(([k]) => k !== 'tables').map(([k, v]) => `  ${JSON.stringify(k)}: ${JSON.stringify(v)},\n`).join('')
  const tables = Object.entries(manifest.tables).map(([key, table]) => {
    const columns = Object.entries(table.columns).map(([name, spec]) => `        ${JSON.stringify(name)}: ${JSON.stringify(spec)}`).join(',\n')
    return `    ${JSON.stringify(key)}: {\n      "columns": {${columns === '' ? '}' : `\n${columns}\n      }`}\n    }`
  })
  return `{\n${head}  "tables": {${tables.length === 0 ? '}' : `\n${tables.join(',\n')}\n  }`}\n}\n`
}
