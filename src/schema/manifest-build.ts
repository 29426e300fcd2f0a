// Validated manifest data -> the frozen ExpectedSchema: tables and columns here, keys,
// constraints, indexes and enums in manifest-objects.ts.
import type { ManifestError } from '../errors.js'
import type { ExpectedColumn, ExpectedSchema, ExpectedTable } from './expected.js'
import type { Segment } from './manifest-text.js'
import { buildEnums, buildTableObjects, checkReferences, lists, type RawEnums, type RawTableObjects } from './manifest-objects.js'
import { buildTableSecurity, type RawTableSecurity } from './manifest-security.js'
import { parseTableKey } from './names.js'
import { parseType } from './parse-type.js'
import { TypeSyntaxError } from './pg-type.js'

export type Where = (path: Segment[], problem: string) => ManifestError

type RawColumn = string | null | { type?: string, nullable?: boolean, default?: string | number | boolean | null }
export interface RawManifest {
  alembic?: { heads?: string[] }
  tables: Record<string, RawTableObjects & RawTableSecurity & { columns: Record<string, RawColumn> }>
  enums?: RawEnums
}

export function buildSchema (file: string, raw: RawManifest, where: Where): ExpectedSchema {
  const tables: ExpectedTable[] = []
  const validTypes = new Set<string>() // the same few type names repeat across thousands of columns
  const shape = shapes()
  const list = lists()
  const keys = Object.keys(raw.tables)
  for (const key of keys) {
    const table = raw.tables[key]!
    const name = parseTableKey(key)
    if (name === undefined) throw where(['tables', key], `"${key}" is not a table name (table or schema.table; quote a part that holds a dot)`)
    const columns = new Map<string, ExpectedColumn>()
    const specs = table.columns
    // for...in and plain values, no entries or objects per column: this runs 100,000 times in a big app.
    for (const column in specs) {
      const spec = specs[column]
      let type: string | undefined
      let nullable: boolean | undefined
      let def: string | null | undefined
      if (typeof spec === 'string') {
        type = spec
      } else if (spec !== null && spec !== undefined) {
        type = spec.type
        nullable = spec.nullable
        // YAML reads `default: 0` as a number; the catalog's default is text.
        if ('default' in spec) def = spec.default === null || spec.default === undefined ? null : String(spec.default)
      }
      if (type !== undefined && !validTypes.has(type)) {
        try {
          parseType(type)
          validTypes.add(type)
        } catch (err) {
          if (!(err instanceof TypeSyntaxError)) throw err
          const at = ['tables', key, 'columns', column]
          throw where(typeof spec === 'string' ? at : [...at, 'type'], err.message)
        }
      }
      columns.set(column, shape(type, nullable, def))
    }
    tables.push(Object.freeze({ ...name, columns, ...buildTableObjects(key, table, where, list), ...buildTableSecurity(key, table, where) }))
  }
  checkReferences(tables, keys, where)
  const heads = raw.alembic?.heads
  return Object.freeze({
    file,
    tables: Object.freeze(tables),
    ...(raw.enums !== undefined ? { enums: buildEnums(raw.enums, where) } : {}),
    ...(heads !== undefined ? { alembicHeads: Object.freeze([...heads]) } : {})
  })
}

/**
 * Equal column specs as one frozen object: a big app repeats a few dozen shapes across 100,000
 * columns. Found by their three parts in nested maps, so a column allocates nothing unless its
 * shape is new. `undefined` (not checked) and `null` (must have none) are different keys.
 */
function shapes (): (type: string | undefined, nullable: boolean | undefined, def: string | null | undefined) => ExpectedColumn {
  const byType = new Map<string | undefined, Map<boolean | undefined, Map<string | null | undefined, ExpectedColumn>>>()
  return (type, nullable, def) => {
    let byNullable = byType.get(type)
    if (byNullable === undefined) byType.set(type, byNullable = new Map())
    let byDefault = byNullable.get(nullable)
    if (byDefault === undefined) byNullable.set(nullable, byDefault = new Map())
    let spec = byDefault.get(def)
    if (spec === undefined) {
      const fresh: { type?: string, nullable?: boolean, default?: string | null } = {}
      if (type !== undefined) fresh.type = type
      if (nullable !== undefined) fresh.nullable = nullable
      if (def !== undefined) fresh.default = def
      byDefault.set(def, spec = Object.freeze(fresh))
    }
    return spec
  }
}
