// Indexes of one table against the manifest: the same columns or expressions in order, then
// uniqueness, method and predicate as far as the manifest says them. An index that only a
// primary key, unique or exclusion constraint made is not an extra index.
import type { CatalogIndex } from './catalog-objects.js'
import type { ExpectedIndex, ExpectedTable } from './expected.js'
import type { Add, ObjectShape } from './findings.js'
import { list } from './diff-keys.js'
import { elementKey, formatElement, parseElement } from './index-elements.js'
import { canonicalExpression } from './sql-expression.js'

interface Live { readonly index: CatalogIndex, readonly key: string }

/** `usedByUnique`: unique indexes that satisfied a `unique` entry (not extra either). */
export function compareIndexes (table: string, want: ExpectedTable, indexes: readonly CatalogIndex[], usedByUnique: ReadonlySet<string>, add: Add): void {
  if (want.indexes === undefined) return
  if (want.indexes.length === 0 && indexes.length === 0) return
  const unused: Live[] = indexes.map(live)
  for (const ix of want.indexes) {
    const key = expectedKey(ix)
    const full = unused.filter((l) => l.key === key && satisfies(ix, l.index))
    const match = full.find((l) => l.index.name === ix.name) ?? full[0]
    const fields = { table, columns: ix.columns, ...(ix.name !== undefined ? { name: ix.name } : {}) }
    if (match !== undefined) {
      const index = take(unused, match)
      if (!index.valid) add('invalid_index', { ...fields, name: index.name }, `${table} index ${index.name} is invalid (a failed CREATE INDEX CONCURRENTLY?): it is maintained but never used`)
      continue
    }
    const named = ix.name !== undefined ? unused.find((l) => l.index.name === ix.name) : undefined
    if (named !== undefined) {
      const index = take(unused, named)
      add('index_mismatch', { ...fields, expected: expectedShape(ix), actual: liveShape(index) },
        `${table} index ${index.name} is ${describe(liveShape(index))}, expected ${describe(expectedShape(ix))}`)
      continue
    }
    add('missing_index', fields, `${table} has no index ${ix.name !== undefined ? `${ix.name} ` : ''}${describe(expectedShape(ix))}`)
  }
  for (const { index } of unused) {
    if (index.ofConstraint || usedByUnique.has(index.name)) continue
    const columns = index.elements.map(formatElement)
    if (!index.valid) add('invalid_index', { table, columns, name: index.name }, `${table} index ${index.name} is invalid (a failed CREATE INDEX CONCURRENTLY?): it is maintained but never used`)
    else add('extra_index', { table, columns, name: index.name }, `${table} has index ${index.name} ${describe(liveShape(index))}, not in the manifest`)
  }
}

function live (index: CatalogIndex): Live {
  return { index, key: index.elements.map(elementKey).join(', ') }
}

function take (unused: Live[], found: Live): CatalogIndex {
  unused.splice(unused.indexOf(found), 1)
  return found.index
}

// The manifest's entries are the same objects every round: their keys are worked out once.
const expectedKeys = new WeakMap<ExpectedIndex, string>()
function expectedKey (ix: ExpectedIndex): string {
  let key = expectedKeys.get(ix)
  if (key === undefined) expectedKeys.set(ix, key = ix.columns.map((c) => elementKey(parseElement(c))).join(', '))
  return key
}

function satisfies (ix: ExpectedIndex, live: CatalogIndex): boolean {
  if (ix.unique !== undefined && ix.unique !== live.unique) return false
  if (ix.using !== undefined && ix.using !== live.method) return false
  if (ix.where === undefined) return true
  if (ix.where === null || live.where === null) return ix.where === live.where
  return canonicalExpression(ix.where) === canonicalExpression(live.where)
}

function expectedShape (ix: ExpectedIndex): ObjectShape {
  return {
    columns: ix.columns,
    ...(ix.unique !== undefined ? { unique: ix.unique } : {}),
    ...(ix.using !== undefined ? { using: ix.using } : {}),
    ...(ix.where !== undefined ? { where: ix.where } : {})
  }
}

function liveShape (index: CatalogIndex): ObjectShape {
  return { columns: index.elements.map(formatElement), unique: index.unique, using: index.method, where: index.where, ...(index.valid ? {} : { valid: false }) }
}

function describe (shape: ObjectShape): string {
  const parts = [`${shape.unique === true ? 'UNIQUE ' : ''}${shape.using !== undefined ? `USING ${shape.using} ` : ''}${list(shape.columns ?? [])}`]
  if (typeof shape.where === 'string') parts.push(`WHERE ${shape.where}`)
  if (shape.valid === false) parts.push('(invalid)')
  return parts.join(' ')
}
