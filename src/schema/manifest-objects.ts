// The manifest's keys, constraints, indexes and enums, checked for what the JSON Schema cannot
// say: an action PostgreSQL knows, a foreign key to a table the manifest has, enum labels once.
import type { ManifestError } from '../errors.js'
import { FK_ACTIONS, type ExpectedCheck, type ExpectedEnum, type ExpectedForeignKey, type ExpectedIndex, type ExpectedKey, type ExpectedTable, type FkAction } from './expected.js'
import type { Segment } from './manifest-text.js'
import { parseTableKey } from './names.js'

type Where = (path: Segment[], problem: string) => ManifestError
type RawKey = string[] | { columns: string[], name?: string }
interface RawForeignKey {
  columns: string[]
  references: { table: string, columns: string[] }
  on_delete?: string
  on_update?: string
  name?: string
}
interface RawIndex { columns: string[], name?: string, unique?: boolean, using?: string, where?: string | null }
export interface RawTableObjects {
  primary_key?: RawKey
  unique?: RawKey[]
  foreign_keys?: RawForeignKey[]
  indexes?: RawIndex[]
  checks?: Array<{ name?: string, expression?: string }>
}
export type RawEnums = Record<string, string[]>

type Objects = Pick<ExpectedTable, 'primaryKey' | 'unique' | 'foreignKeys' | 'indexes' | 'checks'>

const EMPTY: readonly never[] = Object.freeze([])

/**
 * Equal lists as one frozen array (`[id]` in thousands of tables, `[]` in most): a big app's
 * manifest allocates a few hundred lists instead of tens of thousands. Made per manifest.
 */
export function lists (): (items: readonly string[]) => readonly string[] {
  const seen = new Map<string, readonly string[]>()
  return (items) => {
    if (items.length === 0) return EMPTY
    const id = items.length === 1 ? items[0]! : JSON.stringify(items)
    let list = seen.get(id)
    if (list === undefined) seen.set(id, list = Object.freeze([...items]))
    return list
  }
}
type List = ReturnType<typeof lists>

function key (raw: RawKey, list: List): ExpectedKey {
  return Array.isArray(raw)
    ? Object.freeze({ columns: list(raw) })
    : Object.freeze({ columns: list(raw.columns), ...(raw.name !== undefined ? { name: raw.name } : {}) })
}

function action (text: string | undefined, path: Segment[], where: Where): FkAction | undefined {
  if (text === undefined) return undefined
  const words = text.trim().toLowerCase().replace(/\s+/g, ' ')
  if (!(FK_ACTIONS as readonly string[]).includes(words)) throw where(path, `"${text}" is not a referential action (expected ${FK_ACTIONS.join(', ')})`)
  return words as FkAction
}

export function buildTableObjects (tableKey: string, raw: RawTableObjects, where: Where, list: List): Objects {
  const at = (...rest: Segment[]): Segment[] => ['tables', tableKey, ...rest]
  const out: { -readonly [K in keyof Objects]: Objects[K] } = {}
  if (raw.primary_key !== undefined) out.primaryKey = key(raw.primary_key, list)
  if (raw.unique !== undefined) out.unique = raw.unique.length === 0 ? EMPTY : Object.freeze(raw.unique.map((u) => key(u, list)))
  if (raw.foreign_keys !== undefined) {
    out.foreignKeys = raw.foreign_keys.length === 0 ? EMPTY : Object.freeze(raw.foreign_keys.map((fk, i): ExpectedForeignKey => {
      const target = parseTableKey(fk.references.table)
      if (target === undefined) throw where(at('foreign_keys', i, 'references', 'table'), `"${fk.references.table}" is not a table name (table or schema.table)`)
      if (fk.references.columns.length !== fk.columns.length) {
        throw where(at('foreign_keys', i, 'references', 'columns'), `names ${fk.references.columns.length} columns for ${fk.columns.length} in columns`)
      }
      const onDelete = action(fk.on_delete, at('foreign_keys', i, 'on_delete'), where)
      const onUpdate = action(fk.on_update, at('foreign_keys', i, 'on_update'), where)
      return Object.freeze({
        columns: list(fk.columns),
        references: Object.freeze({ ...(target.schema !== undefined ? { schema: target.schema } : {}), table: target.name, columns: list(fk.references.columns) }),
        ...(onDelete !== undefined ? { onDelete } : {}),
        ...(onUpdate !== undefined ? { onUpdate } : {}),
        ...(fk.name !== undefined ? { name: fk.name } : {})
      })
    }))
  }
  if (raw.indexes !== undefined) {
    out.indexes = raw.indexes.length === 0 ? EMPTY : Object.freeze(raw.indexes.map((ix): ExpectedIndex => Object.freeze({
      columns: list(ix.columns),
      ...(ix.name !== undefined ? { name: ix.name } : {}),
      ...(ix.unique !== undefined ? { unique: ix.unique } : {}),
      ...(ix.using !== undefined ? { using: ix.using.trim().toLowerCase() } : {}),
      ...(ix.where !== undefined ? { where: ix.where } : {})
    })))
  }
  if (raw.checks !== undefined) {
    out.checks = raw.checks.length === 0 ? EMPTY : Object.freeze(raw.checks.map((c): ExpectedCheck => Object.freeze({
      ...(c.name !== undefined ? { name: c.name } : {}),
      ...(c.expression !== undefined ? { expression: c.expression } : {})
    })))
  }
  return out
}

/**
 * A foreign key must refer to a table of the manifest, so that a typo is an error at start and
 * not a finding forever. A qualified reference into a schema none of the manifest's tables name
 * (`auth.users` on Supabase) is the exception: the manifest does not describe that schema.
 */
export function checkReferences (tables: readonly ExpectedTable[], keys: readonly string[], where: Where): void {
  const qualifiedSchemas = new Set<string>()
  // By name: the schemas that name's tables are in (undefined: unqualified).
  const byName = new Map<string, Set<string | undefined>>()
  for (const t of tables) {
    if (t.schema !== undefined) qualifiedSchemas.add(t.schema)
    let schemas = byName.get(t.name)
    if (schemas === undefined) byName.set(t.name, schemas = new Set())
    schemas.add(t.schema)
  }
  const known = (schema: string | undefined, name: string): boolean => {
    const schemas = byName.get(name)
    return schemas !== undefined && (schema === undefined || schemas.has(schema) || schemas.has(undefined))
  }
  tables.forEach((table, i) => {
    table.foreignKeys?.forEach((fk, j) => {
      const { schema, table: name } = fk.references
      if (known(schema, name) || (schema !== undefined && !qualifiedSchemas.has(schema))) return
      const shown = schema !== undefined ? `${schema}.${name}` : name
      throw where(['tables', keys[i]!, 'foreign_keys', j, 'references', 'table'], `refers to table "${shown}", which is not in the manifest`)
    })
  })
}

export function buildEnums (raw: RawEnums, where: Where): readonly ExpectedEnum[] {
  const out: ExpectedEnum[] = []
  for (const [typeKey, labels] of Object.entries(raw)) {
    const name = parseTableKey(typeKey)
    if (name === undefined) throw where(['enums', typeKey], `"${typeKey}" is not a type name (type or schema.type)`)
    const seen = new Map<string, number>()
    labels.forEach((label, i) => {
      const first = seen.get(label)
      if (first !== undefined) throw where(['enums', typeKey, i], `duplicate label "${label}" (also at [${first}])`)
      seen.set(label, i)
    })
    out.push(Object.freeze({ ...name, labels: Object.freeze([...labels]) }))
  }
  return Object.freeze(out)
}
