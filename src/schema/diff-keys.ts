// Primary key, unique, foreign key and CHECK constraints of one table against the manifest.
// Matched by structure, never by name alone: SQLAlchemy naming conventions, Alembic and
// hand-written DDL name the same constraint differently.
import type { CatalogConstraint, CatalogIndex } from './catalog-objects.js'
import type { ExpectedForeignKey, ExpectedTable } from './expected.js'
import type { Add } from './findings.js'
import { qualified } from './names.js'
import { canonicalExpression } from './sql-expression.js'

export const list = (columns: readonly string[]): string => `(${columns.join(', ')})`
const setKey = (columns: readonly string[]): string => JSON.stringify([...columns].sort())

/** Unique indexes that enforce uniqueness of plain columns: valid, not partial, no expressions. */
export function uniqueIndexKeys (indexes: readonly CatalogIndex[]): Map<string, CatalogIndex> {
  const out = new Map<string, CatalogIndex>()
  for (const ix of indexes) {
    if (ix.unique && ix.valid && ix.where === null && ix.elements.every((e) => !e.expression)) out.set(setKey(ix.elements.map((e) => e.text)), ix)
  }
  return out
}

export function comparePrimaryKey (table: string, want: ExpectedTable, live: readonly CatalogConstraint[], add: Add): void {
  if (want.primaryKey === undefined) return
  const { columns, name } = want.primaryKey
  const have = live.find((c) => c.kind === 'primary_key')
  if (have !== undefined && setKey(have.columns) === setKey(columns)) return
  const now = have === undefined ? 'has no primary key' : `has primary key ${list(have.columns)}`
  add('missing_primary_key', { table, columns, ...(name !== undefined ? { name } : {}), ...(have !== undefined ? { actual: { columns: have.columns } } : {}) },
    `${table} ${now}, expected primary key ${list(columns)}`)
}

/** Unique constraints; returns the unique indexes that satisfied one (they are not extra indexes). */
export function compareUnique (table: string, want: ExpectedTable, live: readonly CatalogConstraint[], indexes: readonly CatalogIndex[], add: Add): Set<string> {
  const usedIndexes = new Set<string>()
  if (want.unique === undefined) return usedIndexes
  const constraints = new Map(live.filter((c) => c.kind === 'unique').map((c) => [setKey(c.columns), c]))
  const byIndex = uniqueIndexKeys(indexes)
  const matched = new Set<CatalogConstraint>()
  for (const { columns, name } of want.unique) {
    const key = setKey(columns)
    const constraint = constraints.get(key)
    if (constraint !== undefined) { matched.add(constraint); continue }
    const index = byIndex.get(key)
    if (index !== undefined) { usedIndexes.add(index.name); continue }
    add('missing_unique', { table, columns, ...(name !== undefined ? { name } : {}) }, `${table} has no unique constraint or unique index on ${list(columns)}`)
  }
  for (const c of constraints.values()) {
    if (!matched.has(c)) add('extra_unique', { table, columns: c.columns, name: c.name }, `${table} has unique constraint ${c.name} ${list(c.columns)}, not in the manifest`)
  }
  return usedIndexes
}

/** Referred table and column pairs, in an order that does not depend on how the key was written. */
function fkKey (refSchema: string, refTable: string, columns: readonly string[], refColumns: readonly string[]): string {
  return JSON.stringify([refSchema, refTable, columns.map((c, i) => [c, refColumns[i]]).sort()])
}

export function compareForeignKeys (table: string, want: ExpectedTable, live: readonly CatalogConstraint[], defaultSchema: string, add: Add): void {
  if (want.foreignKeys === undefined) return
  const unused = live.filter((c) => c.kind === 'foreign_key')
  const take = (found: CatalogConstraint | undefined) => { if (found !== undefined) unused.splice(unused.indexOf(found), 1); return found }
  for (const fk of want.foreignKeys) {
    const refSchema = fk.references.schema ?? defaultSchema
    const key = fkKey(refSchema, fk.references.table, fk.columns, fk.references.columns)
    const structural = unused.filter((c) => fkKey(c.references!.schema, c.references!.table, c.columns, c.references!.columns) === key)
    // Two keys on the same columns: the one whose actions also match is this one.
    const same = take(structural.find((c) => (fk.onDelete ?? c.onDelete) === c.onDelete && (fk.onUpdate ?? c.onUpdate) === c.onUpdate) ?? structural[0])
    const target = `${qualified(refSchema, fk.references.table)}${list(fk.references.columns)}`
    if (same !== undefined) {
      const differs = (fk.onDelete !== undefined && fk.onDelete !== same.onDelete) || (fk.onUpdate !== undefined && fk.onUpdate !== same.onUpdate)
      if (differs) {
        add('foreign_key_mismatch', { table, columns: fk.columns, name: same.name, expected: actions(fk), actual: actions(same) },
          `${table} foreign key ${same.name} ${list(fk.columns)} -> ${target} is ON DELETE ${same.onDelete!.toUpperCase()} ON UPDATE ${same.onUpdate!.toUpperCase()}, expected ${describeActions(fk)}`)
      }
      continue
    }
    const elsewhere = take(unused.find((c) => setKey(c.columns) === setKey(fk.columns)))
    if (elsewhere !== undefined) {
      const ref = elsewhere.references!
      add('foreign_key_mismatch', {
        table, columns: fk.columns, name: elsewhere.name,
        expected: { references: { table: qualified(refSchema, fk.references.table), columns: fk.references.columns }, ...actions(fk) },
        actual: { references: { table: qualified(ref.schema, ref.table), columns: ref.columns }, ...actions(elsewhere) }
      }, `${table} foreign key ${elsewhere.name} ${list(fk.columns)} refers to ${qualified(ref.schema, ref.table)}${list(ref.columns)}, expected ${target}`)
      continue
    }
    add('missing_foreign_key', { table, columns: fk.columns, ...(fk.name !== undefined ? { name: fk.name } : {}) }, `${table} has no foreign key ${list(fk.columns)} -> ${target}`)
  }
  for (const c of unused) {
    const ref = c.references!
    add('extra_foreign_key', { table, columns: c.columns, name: c.name }, `${table} has foreign key ${c.name} ${list(c.columns)} -> ${qualified(ref.schema, ref.table)}${list(ref.columns)}, not in the manifest`)
  }
}

function actions (fk: Pick<ExpectedForeignKey, 'onDelete' | 'onUpdate'>): { on_delete?: string, on_update?: string } {
  return { ...(fk.onDelete !== undefined ? { on_delete: fk.onDelete } : {}), ...(fk.onUpdate !== undefined ? { on_update: fk.onUpdate } : {}) }
}

function describeActions (fk: ExpectedForeignKey): string {
  return [fk.onDelete !== undefined ? `ON DELETE ${fk.onDelete.toUpperCase()}` : '', fk.onUpdate !== undefined ? `ON UPDATE ${fk.onUpdate.toUpperCase()}` : ''].filter((s) => s !== '').join(' ')
}

/** Checks: by name, else (renamed, or unnamed in the manifest) by the normalised expression. */
export function compareChecks (table: string, want: ExpectedTable, live: readonly CatalogConstraint[], add: Add): void {
  if (want.checks === undefined) return
  const unused = live.filter((c) => c.kind === 'check')
  const sameExpression = (a: string, b: string) => canonicalExpression(a) === canonicalExpression(b)
  for (const check of want.checks) {
    const named = check.name !== undefined ? unused.find((c) => c.name === check.name) : undefined
    const found = named ?? (check.expression !== undefined ? unused.find((c) => sameExpression(check.expression!, c.expression ?? '')) : undefined)
    if (found === undefined) {
      const what = [check.name, check.expression !== undefined ? `CHECK (${check.expression})` : undefined].filter((s) => s !== undefined).join(' ')
      add('missing_check', { table, ...(check.name !== undefined ? { name: check.name } : {}) }, `${table} has no check constraint ${what}`)
      continue
    }
    unused.splice(unused.indexOf(found), 1)
    if (check.expression !== undefined && !sameExpression(check.expression, found.expression ?? '')) {
      add('check_mismatch', { table, name: found.name, expected: { expression: check.expression }, actual: { expression: found.expression ?? '' } },
        `${table} check ${found.name} is CHECK (${found.expression ?? ''}), expected CHECK (${check.expression})`)
    }
  }
  for (const c of unused) add('extra_check', { table, name: c.name }, `${table} has check constraint ${c.name} CHECK (${c.expression ?? ''}), not in the manifest`)
}
